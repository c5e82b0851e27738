#!/usr/bin/env bash
# Installs Liaison on a Debian server, or into DESTDIR for packaging.
#
#   Deploy/install.sh [--bin-dir DIR]          install (builds release binaries if DIR is not given)
#   Deploy/install.sh --uninstall              remove what an install put there; data and an edited config stay
#
# Environment: PREFIX (default /usr), SYSCONFDIR (default /etc), DESTDIR
# (default empty: the live system), ZSH_COMPLETION_DIR (default
# PREFIX/share/zsh/vendor-completions, where Debian's zsh looks). With an
# empty DESTDIR, the service user and directories are created
# (systemd-sysusers, systemd-tmpfiles) and systemd is told about the units;
# nothing is started. liaisonctl's shell completions (bash, zsh, fish) and
# man pages are generated from the liaisonctl being installed.
set -euo pipefail

PREFIX=${PREFIX:-/usr}
SYSCONFDIR=${SYSCONFDIR:-/etc}
DESTDIR=${DESTDIR:-}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

bindir=$PREFIX/bin
plugindir=$PREFIX/lib/liaison/plugins
unitdir=$PREFIX/lib/systemd/system
sysusersdir=$PREFIX/lib/sysusers.d
tmpfilesdir=$PREFIX/lib/tmpfiles.d
catalogdir=$PREFIX/lib/systemd/catalog
docdir=$PREFIX/share/doc/liaison
mandir=$PREFIX/share/man
bashcompdir=$PREFIX/share/bash-completion/completions
# Debian's zsh reads vendor-completions, not PREFIX/share/zsh/site-functions
# (its site directory is /usr/local/share/zsh/site-functions).
zshcompdir=${ZSH_COMPLETION_DIR:-$PREFIX/share/zsh/vendor-completions}
fishcompdir=$PREFIX/share/fish/vendor_completions.d
confdir=$SYSCONFDIR/liaison
manifest=$PREFIX/share/liaison/install-manifest

say() { printf 'install.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
root() { [ "$(id -u)" -eq 0 ]; }

uninstall() {
  local m="$DESTDIR$manifest"
  [ -f "$m" ] || die "no install manifest at $m: nothing installed here (or installed with another PREFIX/DESTDIR)"
  local kind path sum
  # Files first, then directories deepest first, and only if empty.
  while read -r kind path sum; do
    case $kind in
      file) rm -f "$DESTDIR$path" ;;
      config)
        if [ -f "$DESTDIR$path" ] && [ "$(sha256sum < "$DESTDIR$path" | cut -d' ' -f1)" != "$sum" ]; then
          say "keeping $path: it was edited after install"
        else
          rm -f "$DESTDIR$path"
        fi ;;
    esac
  done < "$m"
  local dirs
  dirs=$(grep '^dir ' "$m.dirs" 2>/dev/null | cut -d' ' -f2 | sort -r || true)
  rm -f "$m" "$m.dirs"
  for d in $dirs; do rmdir "$DESTDIR$d" 2>/dev/null || true; done
  if [ -z "$DESTDIR" ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
  say "uninstalled; /var/lib/liaison (the database) is left alone"
}

bin_dir=""
while [ $# -gt 0 ]; do
  case $1 in
    --uninstall) uninstall; exit 0 ;;
    --bin-dir) bin_dir=${2:?--bin-dir needs a directory}; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done

if [ -z "$bin_dir" ]; then
  say "building release binaries (swift build -c release)"
  (cd "$top" && for p in liaisond liaisonctl liaison-channel-host liaison-channel-outbox liaison-channel-log; do
     swift build -c release --product "$p" >&2 || exit 1; done)
  bin_dir=$(cd "$top" && swift build -c release --show-bin-path)
fi
for b in liaisond liaisonctl liaison-channel-host libliaison-channel-outbox.so libliaison-channel-log.so; do
  [ -f "$bin_dir/$b" ] || die "$bin_dir/$b is missing; build first or pass --bin-dir"
done

m="$DESTDIR$manifest"
created=()
d=$(dirname "$manifest")
while [ ! -d "$DESTDIR$d" ]; do created=("$d" "${created[@]}"); d=$(dirname "$d"); done
mkdir -p "$(dirname "$m")"
# A reinstall keeps what the first install created (directories, the config)
# on record, so that --uninstall still removes them.
old_config=$(grep '^config ' "$m" 2>/dev/null || true)
: > "$m"
[ -n "$old_config" ] && echo "$old_config" >> "$m"
touch "$m.dirs"
for d in "${created[@]}"; do echo "dir $d" >> "$m.dirs"; done

# mkdir -p that records every directory it creates, so uninstall removes
# exactly those (and only when empty).
mkdirs() {
  local d=$1 mode=$2 missing=()
  while [ ! -d "$DESTDIR$d" ]; do missing=("$d" "${missing[@]}"); d=$(dirname "$d"); done
  for d in "${missing[@]}"; do
    install -d -m "$mode" "$DESTDIR$d"
    grep -qx "dir $d" "$m.dirs" || echo "dir $d" >> "$m.dirs"
  done
}
put() { # mode source target
  mkdirs "$(dirname "$3")" 0755
  install -m "$1" "$2" "$DESTDIR$3"
  root && chown root:root "$DESTDIR$3"
  echo "file $3" >> "$m"
}

put 0755 "$bin_dir/liaisond" "$bindir/liaisond"
put 0755 "$bin_dir/liaisonctl" "$bindir/liaisonctl"
# liaisond starts plugin hosts from beside itself.
put 0755 "$bin_dir/liaison-channel-host" "$bindir/liaison-channel-host"
# Plugins: root-owned and writable by root alone; liaisond refuses anything else.
mkdirs "$plugindir" 0755
chmod 0755 "$DESTDIR$plugindir"
root && chown root:root "$DESTDIR$plugindir"
for p in outbox log kannel wecom letter; do put 0644 "$bin_dir/libliaison-channel-$p.so" "$plugindir/libliaison-channel-$p.so"; done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|/usr/bin/liaisond|$bindir/liaisond|; s|/etc/liaison/|$confdir/|" "$here/liaisond.service" > "$tmp/liaisond.service"
put 0644 "$tmp/liaisond.service" "$unitdir/liaisond.service"
put 0644 "$here/liaisond.socket" "$unitdir/liaisond.socket"
put 0644 "$here/sysusers.d/liaison.conf" "$sysusersdir/liaison.conf"
put 0644 "$here/tmpfiles.d/liaison.conf" "$tmpfilesdir/liaison.conf"
put 0644 "$here/liaison.catalog" "$catalogdir/liaison.catalog"
for doc in README.md docs/DEPLOY.md docs/PROTOCOL.md docs/ROSTER.md docs/ARCHITECTURE.md docs/PLUGINS.md; do
  put 0644 "$top/$doc" "$docdir/$(basename "$doc")"
done
# Each plugin's keys and errors, and the drop-in the network channels need.
for p in kannel wecom letter; do put 0644 "$top/Plugins/$p/README.md" "$docdir/plugins/$p.md"; done
put 0644 "$here/liaisond.service.d/network-channels.conf" "$docdir/network-channels.conf"

# Shell completions and man pages, generated now from the liaisonctl being
# installed (not kept in the tree), so they always match its commands.
ctl="$bin_dir/liaisonctl"
mkdir -p "$tmp/completions" "$tmp/man"
for shell in bash zsh fish; do
  "$ctl" --generate-completion-script "$shell" > "$tmp/completions/$shell" \
    || die "$ctl --generate-completion-script $shell failed"
done
put 0644 "$tmp/completions/bash" "$bashcompdir/liaisonctl"
put 0644 "$tmp/completions/zsh" "$zshcompdir/_liaisonctl"
put 0644 "$tmp/completions/fish" "$fishcompdir/liaisonctl.fish"
# The pages carry the date of the build's sources when known (reproducible builds).
"$ctl" generate-manual "$tmp/man" >/dev/null || die "$ctl generate-manual failed"
for page in "$tmp"/man/*.1; do put 0644 "$page" "$mandir/man1/$(basename "$page")"; done

# The config: only where none exists; an operator's file is never touched.
if [ -e "$DESTDIR$confdir/liaison.yaml" ]; then
  say "keeping the existing $confdir/liaison.yaml"
else
  mkdirs "$confdir" 0750
  install -m 0640 "$top/Config/liaison.yaml" "$DESTDIR$confdir/liaison.yaml"
  if root; then
    group=root
    getent group liaison >/dev/null && group=liaison
    chown "root:$group" "$DESTDIR$confdir" "$DESTDIR$confdir/liaison.yaml"
  fi
  echo "config $confdir/liaison.yaml $(sha256sum < "$top/Config/liaison.yaml" | cut -d' ' -f1)" >> "$m"
fi

# The data key (DEPLOY.md, "The data key"): made once, root's alone, handed
# to liaisond by the unit's LoadCredential=. Never in the manifest: an
# uninstall keeps it, as it keeps the data it opens.
if [ -e "$DESTDIR$confdir/data-key" ]; then
  say "keeping the existing $confdir/data-key"
else
  mkdirs "$confdir" 0750
  (umask 077; { echo "# Liaison's data key (DEPLOY.md): keep a copy apart from the backups."; \
                echo "k1 $(head -c 32 /dev/urandom | base64)"; } > "$DESTDIR$confdir/data-key")
  root && chown root:root "$DESTDIR$confdir/data-key"
  say "made a new data key at $confdir/data-key: copy it somewhere safe, away from the backups"
fi

# Rulebooks, likewise: the shipped set only where there is none.
if [ -e "$DESTDIR$confdir/rules" ]; then
  say "keeping the existing $confdir/rules"
else
  mkdirs "$confdir/rules" 0750
  for f in "$top"/Config/rules/*.yaml; do
    install -m 0640 "$f" "$DESTDIR$confdir/rules/$(basename "$f")"
    echo "config $confdir/rules/$(basename "$f") $(sha256sum < "$f" | cut -d' ' -f1)" >> "$m"
  done
  root && chown -R "root:$(getent group liaison >/dev/null && echo liaison || echo root)" "$DESTDIR$confdir/rules"
fi

# Message templates, likewise.
if [ -e "$DESTDIR$confdir/templates" ]; then
  say "keeping the existing $confdir/templates"
else
  for kind in messages letters; do
    mkdirs "$confdir/templates/$kind" 0750
    for f in "$top"/Config/templates/$kind/*.yaml; do
      install -m 0640 "$f" "$DESTDIR$confdir/templates/$kind/$(basename "$f")"
      echo "config $confdir/templates/$kind/$(basename "$f") $(sha256sum < "$f" | cut -d' ' -f1)" >> "$m"
    done
  done
  root && chown -R "root:$(getent group liaison >/dev/null && echo liaison || echo root)" "$DESTDIR$confdir/templates"
fi

if [ -z "$DESTDIR" ]; then
  command -v systemd-sysusers >/dev/null && systemd-sysusers "$sysusersdir/liaison.conf"
  command -v systemd-tmpfiles >/dev/null && systemd-tmpfiles --create "$tmpfilesdir/liaison.conf"
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    journalctl --update-catalog 2>/dev/null || true
  fi
  say "installed; next: systemctl enable --now liaisond.socket (docs/DEPLOY.md)"
else
  say "installed into $DESTDIR"
fi
