#!/usr/bin/env bash
# Installs (or upgrades) the sealscan scanner as a systemd service on a Raspberry Pi, from the folder
# `sealscan pi-bundle` wrote. Run it from that folder as root: sudo ./install.sh
set -euo pipefail
umask 022

usage() {
  cat <<'EOF'
usage: sudo ./install.sh [--prefix DIR] [--no-systemctl]

Installs or upgrades the scanner: the code in /opt/sealscan (its production packages by npm ci --omit=dev),
the command /usr/local/bin/sealscan, the unit /etc/systemd/system/sealscan.service, the data folder
/var/lib/sealscan (kept; only its owner and mode are set) and the configuration /etc/sealscan/device.json (the
example the first time; never overwritten). Enables SPI, creates the system user sealscan (groups spi and gpio),
runs sealscan doctor and (re)starts the service.

  --prefix DIR     install into DIR as if it were / (a staging tree or a test): the files are written under DIR
                   with the paths they have on the Pi; no user is created, raspi-config, chown, doctor and
                   systemctl are skipped, SPI is enabled only in DIR's boot config.txt when there is one
  --no-systemctl   do not reload systemd, nor stop, enable or start the service

environment:
  SEALSCAN_SKIP_NPM=1   skip npm ci (tests): the installed code then lacks its packages and does not run
EOF
}

step() { printf 'install: %s\n' "$*"; }
die() {
  printf 'install: error: %s\n' "$*" >&2
  exit 1
}

prefix=
staged=0
systemctl=1
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
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      printf 'install: unknown option: %s\n' "$1" >&2
      exit 2
      ;;
  esac
done

bundle=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for f in bin/sealscan.js dist package.json package-lock.json sealscan.service device.example.json uninstall.sh README.txt; do
  [ -e "$bundle/$f" ] || die "$bundle/$f is missing: this is not a whole bundle; make one with sealscan pi-bundle --out DIR"
done
if [ "$staged" = 1 ]; then
  mkdir -p "$prefix"
  prefix=$(cd "$prefix" && pwd)
  prefix=${prefix%/}
elif [ "$(id -u)" != 0 ]; then
  die 'run as root: sudo ./install.sh'
fi
opt=$prefix/opt/sealscan
etc=$prefix/etc/sealscan
config=$etc/device.json
data=$prefix/var/lib/sealscan
unitdir=$prefix/etc/systemd/system
if [ "$systemctl" = 1 ] && [ "$staged" = 1 ]; then
  step 'systemctl: skipped (--prefix)'
  systemctl=0
elif [ "$systemctl" = 1 ] && ! command -v systemctl >/dev/null 2>&1; then
  step 'systemctl not found: the service is neither reloaded nor started'
  systemctl=0
fi

# Node.js 20 or newer runs the scanner; npm, make, g++ and python3 build its native packages (GPIO, SPI, SQLite).
node_help='Install Node.js 20 or newer: from NodeSource (curl -fsSL https://deb.nodesource.com/setup_20.x | sudo -E bash - && sudo apt-get install -y nodejs), or from the distribution where it is new enough (Raspberry Pi OS / Debian 13 "trixie": sudo apt-get install -y nodejs npm; Debian 12 "bookworm" has only 18).'
command -v node >/dev/null 2>&1 || die "Node.js is not installed. $node_help"
node_version=$(node --version)
node_major=${node_version#v}
node_major=${node_major%%.*}
case $node_major in
  '' | *[!0-9]*) die "cannot read the Node.js version ($node_version). $node_help" ;;
esac
[ "$node_major" -ge 20 ] || die "Node.js $node_version is too old. $node_help"
step "Node.js $node_version"
if [ "${SEALSCAN_SKIP_NPM:-}" != 1 ]; then
  missing=
  for tool in npm make g++ python3; do
    command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
  done
  [ -z "$missing" ] || die "missing:$missing (npm builds the native packages on this machine): sudo apt-get install -y npm build-essential python3"
fi

# SPI: raspi-config loads the overlay now and for every boot; without it, config.txt gets dtparam=spi=on (after
# [all], so that no conditional section above it limits the line to other models) and the Pi needs a reboot.
if [ "$staged" = 0 ] && command -v raspi-config >/dev/null 2>&1; then
  step 'enabling SPI: raspi-config nonint do_spi 0'
  raspi-config nonint do_spi 0
else
  boot_config=
  for f in "$prefix/boot/firmware/config.txt" "$prefix/boot/config.txt"; do
    if [ -f "$f" ]; then
      boot_config=$f
      break
    fi
  done
  if [ -z "$boot_config" ]; then
    step "SPI: no $prefix/boot/firmware/config.txt nor $prefix/boot/config.txt: enable SPI by hand (dtparam=spi=on)"
  elif grep -q '^[[:space:]]*dtparam=spi=on' "$boot_config"; then
    step "SPI: already enabled in $boot_config"
  else
    step "enabling SPI: dtparam=spi=on added to $boot_config; REBOOT the Pi for it to take effect"
    printf '\n[all]\n# sealscan: the MFRC522 reader on SPI0\ndtparam=spi=on\n' >>"$boot_config"
  fi
fi

# The service runs as this user; spi and gpio exist on Raspberry Pi OS (elsewhere they are skipped).
if [ "$staged" = 1 ]; then
  step 'user sealscan: skipped (--prefix)'
else
  if id sealscan >/dev/null 2>&1; then
    step 'user sealscan: exists'
  else
    step 'creating the system user sealscan'
    useradd --system --user-group --home-dir /var/lib/sealscan --no-create-home --shell /usr/sbin/nologin sealscan
  fi
  for group in spi gpio; do
    if getent group "$group" >/dev/null; then
      step "adding sealscan to group $group"
      usermod -a -G "$group" sealscan
    else
      step "group $group does not exist here: skipped"
    fi
  done
fi

# The code goes into a fresh folder beside the old one, its packages are installed there, and only then it
# replaces the old one: a failed npm ci leaves the installed scanner as it was.
step "copying the code to $opt"
rm -rf "$opt.new"
mkdir -p "$opt.new"
cp -R "$bundle/bin" "$bundle/dist" "$bundle/package.json" "$bundle/package-lock.json" "$bundle/README.txt" "$bundle/uninstall.sh" "$opt.new/"
if [ "${SEALSCAN_SKIP_NPM:-}" = 1 ]; then
  step 'npm ci --omit=dev: skipped (SEALSCAN_SKIP_NPM=1)'
else
  step "npm ci --omit=dev in $opt (builds the native packages: a few minutes)"
  (cd "$opt.new" && npm ci --omit=dev --no-audit --no-fund)
fi
# Stopped (also when it is only waiting to restart) until doctor is done: two processes on one queue never.
if [ "$systemctl" = 1 ] && [ -f "$unitdir/sealscan.service" ]; then
  step 'systemctl stop sealscan.service (the installed scanner, for the upgrade)'
  systemctl stop sealscan.service
fi
rm -rf "$opt.old"
if [ -e "$opt" ]; then mv "$opt" "$opt.old"; fi
mv "$opt.new" "$opt"
rm -rf "$opt.old"
step "command sealscan: $prefix/usr/local/bin/sealscan -> /opt/sealscan/bin/sealscan.js"
mkdir -p "$prefix/usr/local/bin"
ln -sfn /opt/sealscan/bin/sealscan.js "$prefix/usr/local/bin/sealscan"

step "writing the unit $unitdir/sealscan.service"
mkdir -p "$unitdir"
cp "$bundle/sealscan.service" "$unitdir/sealscan.service"
chmod 0644 "$unitdir/sealscan.service"

step "data folder $data (mode 0700)"
mkdir -p "$data"
chmod 0700 "$data"
if [ "$staged" = 1 ]; then
  step 'chown sealscan: skipped (--prefix)'
else
  # A key provisioned as root becomes the service's.
  chown -R sealscan:sealscan "$data"
fi

mkdir -p "$etc"
if [ -e "$config" ]; then
  step "configuration $config: kept"
else
  step "configuration $config: the example (mode 0640); edit it or run sealscan provision"
  cp "$bundle/device.example.json" "$config"
  chmod 0640 "$config"
  if [ "$staged" = 0 ]; then chgrp sealscan "$config"; fi
fi

if [ "$staged" = 1 ]; then
  step "sealscan doctor: skipped (--prefix: the configuration's paths are the Pi's, not under $prefix)"
else
  # As the service's user, so that its permissions (SPI, GPIO, the data folder) are what is checked.
  step 'sealscan doctor --config /etc/sealscan/device.json (as user sealscan)'
  if runuser -u sealscan -- node /opt/sealscan/bin/sealscan.js doctor --config /etc/sealscan/device.json; then
    step 'doctor: all checks pass'
  else
    step 'doctor: some checks FAILED (above); the install goes on: fix them, then sudo systemctl restart sealscan'
  fi
fi

if [ "$systemctl" = 1 ]; then
  step 'systemctl daemon-reload'
  systemctl daemon-reload
  step 'systemctl enable sealscan.service'
  systemctl enable --quiet sealscan.service
  # restart, not enable --now: an upgrade must replace a running scanner with the new code.
  step 'systemctl restart sealscan.service'
  systemctl restart sealscan.service
  step 'done: the scanner runs; its log: journalctl -u sealscan -f'
else
  step 'the service was not started; to start it: systemctl daemon-reload && systemctl enable --now sealscan'
  step 'done'
fi
