#!/bin/sh
# Makes sure what the SMTP tests need is installed: /usr/bin/python3 with Debian's aiosmtpd
# (the test server), openssl (the throwaway CA) and ca-certificates (the system bundle that
# ca_file is added to). Installs missing packages with apt-get when run as root, as on a fresh
# CI machine; otherwise says what is missing and exits 69 (EX_UNAVAILABLE).
set -eu

missing=""
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || missing="$missing python3-aiosmtpd"
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
[ -e /etc/ssl/certs/ca-certificates.crt ] || missing="$missing ca-certificates"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "$0: missing packages:$missing (apt-get install$missing)" >&2
  exit 69
fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # the list is meant to split into words
apt-get install -y --no-install-recommends $missing >&2 ||
  { apt-get update >&2 && apt-get install -y --no-install-recommends $missing >&2; }
