#!/bin/bash
# Installs the Debian packages that building, testing and the demo need. Idempotent: only
# missing packages are fetched. Must run as root on Debian bookworm.
set -euo pipefail

packages=(
  # build
  g++ meson ninja-build pkg-config libsystemd-dev systemd libcurl4-openssl-dev libssl-dev
  zlib1g-dev libdeflate-dev libzstd-dev libgtest-dev scdoc
  # runtime and tests: a real MariaDB, a real SMTP server, real systemd in a container
  mariadb-server mariadb-client python3 python3-aiosmtpd openssl ca-certificates gzip pigz zstd
  debootstrap systemd-container iproute2 util-linux groff man-db
  # the age reference tool, for the encryption interop tests
  age
  # the monitoring tests: promtool (Prometheus' metrics checker) and a real node_exporter
  prometheus prometheus-node-exporter
  # offsite tests: an independent S3 client, and sshd for the SFTP target
  s3cmd openssh-server openssh-client
  # packaging
  debhelper dpkg-dev fakeroot lintian
)
if [ "${1:-}" = "--runtime-only" ]; then
  packages=(g++ meson ninja-build pkg-config libsystemd-dev systemd libcurl4-openssl-dev
    libssl-dev zlib1g-dev libdeflate-dev libzstd-dev mariadb-server mariadb-client gzip)
fi

# The CCTV age test vectors (npm package cctv-age), cached where tests/age_cctv_test.cc looks.
# Only with npm present (the test says it skips otherwise); needs no root.
install_cctv_age() {
  command -v npm >/dev/null || return 0
  local cache=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/mysql-backup-tests
  [ -f "$cache/cctv-age/node_modules/cctv-age/index.js" ] && return 0
  echo "install-deps: fetching the age test vectors (npm cctv-age) into $cache/cctv-age"
  # A prefix of its own: npm prunes packages of a shared prefix that another install omits.
  npm install --no-save --silent --prefix "$cache/cctv-age" cctv-age@0.2.0 >/dev/null ||
    echo "install-deps: could not fetch cctv-age; age_cctv_test will try again" >&2
}
# The signature-checking S3 server for the offsite tests (npm @20minutes/s3rver 4.x), in the
# same cache; tests/support/s3_server.cc looks there.
install_s3rver() {
  command -v npm >/dev/null || return 0
  local cache=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/mysql-backup-tests
  [ -f "$cache/s3rver/node_modules/@20minutes/s3rver/package.json" ] && return 0
  echo "install-deps: fetching the S3 test server (npm @20minutes/s3rver) into $cache/s3rver"
  npm install --no-save --silent --prefix "$cache/s3rver" @20minutes/s3rver@4 >/dev/null ||
    echo "install-deps: could not fetch @20minutes/s3rver; the S3 tests will try again" >&2
}
if [ "${1:-}" != "--runtime-only" ]; then
  install_cctv_age
  install_s3rver
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
