#!/usr/bin/env bash
# Installs the Debian packages Liaison needs to build, run and test.
# Idempotent: packages already present are skipped, and apt is not touched
# at all when nothing is missing. Used by `make run`, `make test` and .ci/run.
set -euo pipefail

# libsystemd-dev: sd_notify, sd_listen_fds, sd_journal (CSystemd)
# libsqlite3-dev: the SQLite that GRDB links on Linux
# pkg-config:     finds both for SwiftPM's system-library targets
# systemd:        systemd-socket-activate and systemd-analyze for the tests
# util-linux:     setpriv, to run liaisonctl as another Unix user in tests
packages=(libsystemd-dev libsqlite3-dev pkg-config systemd util-linux)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
