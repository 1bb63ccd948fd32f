#!/usr/bin/env bash
# Removes the sealscan scanner that install.sh installed. Keeps the data folder (device key, unsynced records) and
# the configuration unless --purge. Run as root: sudo ./uninstall.sh (also installed as /opt/sealscan/uninstall.sh).
set -euo pipefail

usage() {
  cat <<'EOF'
usage: sudo ./uninstall.sh [--purge] [--prefix DIR] [--no-systemctl]

Stops and disables the service, removes /opt/sealscan, /usr/local/bin/sealscan and the unit. Keeps
/var/lib/sealscan (the device key and any records not yet synced) and /etc/sealscan.

  --purge          also remove /var/lib/sealscan, /etc/sealscan and the user sealscan: unsynced records are lost
                   and the device needs a new key (sealscan provision) to scan again
  --prefix DIR     uninstall from DIR as install.sh --prefix DIR installed it (no user is removed, no systemctl)
  --no-systemctl   do not stop or disable the service, nor reload systemd
EOF
}

step() { printf 'uninstall: %s\n' "$*"; }
die() {
  printf 'uninstall: error: %s\n' "$*" >&2
  exit 1
}

prefix=
staged=0
systemctl=1
purge=0
while [ $# -gt 0 ]; do
  case $1 in
    --prefix)
      [ $# -ge 2 ] || die '--prefix needs a folder'
      prefix=$2
      staged=1
      shift 2
      ;;
    --no-systemctl)
      systemctl=0
      shift
      ;;
    --purge)
      purge=1
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      printf 'uninstall: unknown option: %s\n' "$1" >&2
      exit 2
      ;;
  esac
done

if [ "$staged" = 1 ]; then
  [ -d "$prefix" ] || die "$prefix is not a folder"
  prefix=$(cd "$prefix" && pwd)
  prefix=${prefix%/}
elif [ "$(id -u)" != 0 ]; then
  die 'run as root: sudo ./uninstall.sh'
fi
opt=$prefix/opt/sealscan
etc=$prefix/etc/sealscan
data=$prefix/var/lib/sealscan
unit=$prefix/etc/systemd/system/sealscan.service
if [ "$systemctl" = 1 ] && [ "$staged" = 1 ]; then
  step 'systemctl: skipped (--prefix)'
  systemctl=0
elif [ "$systemctl" = 1 ] && ! command -v systemctl >/dev/null 2>&1; then
  step 'systemctl not found: skipped'
  systemctl=0
fi

if [ "$systemctl" = 1 ]; then
  step 'systemctl disable --now sealscan.service'
  systemctl disable --now --quiet sealscan.service 2>/dev/null || step 'the service was not installed or not running'
fi
step "removing $unit"
rm -f "$unit"
if [ "$systemctl" = 1 ]; then
  step 'systemctl daemon-reload'
  systemctl daemon-reload
fi
step "removing $opt and $prefix/usr/local/bin/sealscan"
rm -rf "$opt" "$opt.new" "$opt.old"
rm -f "$prefix/usr/local/bin/sealscan"

if [ "$purge" = 1 ]; then
  step "removing $data (device key, records) and $etc (--purge)"
  rm -rf "$data" "$etc"
  if [ "$staged" = 1 ]; then
    step 'user sealscan: skipped (--prefix)'
  elif id sealscan >/dev/null 2>&1; then
    step 'removing the user sealscan'
    userdel sealscan
  fi
else
  step "kept $data (device key, unsynced records) and $etc; --purge removes them"
fi
step 'done'
