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
# kannel, kannel-extras: the SMS gateway (bearerbox, smsbox) and its fake
#                 SMSC (/usr/lib/kannel/test/fakesmsc) for the kannel channel
# libcairo2-dev, libpango1.0-dev, fonts-noto-cjk: the letter channel renders
#                 Chinese PDFs with an embedded CJK font
# poppler-utils:  pdftotext, pdffonts, pdftoppm check those PDFs in tests
# cups-daemon, cups-client: a real cupsd on loopback and `lp` for printing
# python3:        the WeCom API stand-in the wecom tests talk to
# libcups2-dev:   the letter channel submits PDFs to a CUPS queue (cupsDoFileRequest)
# groff-base:     groff, to check that the generated liaisonctl man pages render
# binutils:       strings, to show that no phone number or case text is left in
#                 the database, its WAL or a backup (sealing, issue 14.4)
packages=(libsystemd-dev libsqlite3-dev pkg-config systemd util-linux
          kannel kannel-extras libcairo2-dev libpango1.0-dev fonts-noto-cjk
          poppler-utils cups-daemon cups-client python3
          libcups2-dev groff-base binutils)

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
