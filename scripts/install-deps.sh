#!/bin/bash
# Installs the Debian packages that building, testing and the demo need. Idempotent: only
# missing packages are fetched. Must run as root on Debian bookworm.
set -euo pipefail

packages=(
  # build
  g++ meson ninja-build pkg-config libsystemd-dev systemd libcurl4-openssl-dev libssl-dev
  zlib1g-dev libzstd-dev libgtest-dev scdoc
  # runtime and tests: a real MariaDB, a real SMTP server, real systemd in a container
  mariadb-server mariadb-client python3 python3-aiosmtpd openssl ca-certificates gzip pigz zstd
  debootstrap systemd-container iproute2 util-linux groff man-db
  # packaging
  debhelper dpkg-dev fakeroot lintian
)
if [ "${1:-}" = "--runtime-only" ]; then
  packages=(g++ meson ninja-build pkg-config libsystemd-dev systemd libcurl4-openssl-dev
    libssl-dev zlib1g-dev libzstd-dev mariadb-server mariadb-client gzip)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: these packages are missing and installing them needs root: ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The mariadb-server package would start a system-wide server; tests start their own.
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
