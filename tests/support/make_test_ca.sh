#!/bin/sh
# Makes a throwaway CA and a server certificate for 127.0.0.1 and localhost (subjectAltName),
# signed by it, for the SMTP tests. Writes into DIR:
#   ca.crt ca.key          the CA (the test passes ca.crt as [notification] ca_file)
#   server.crt server.key  the server's certificate and key
# Nothing here is trusted by the system: a client without ca.crt must refuse the server.
set -eu

if [ $# -ne 1 ]; then
  echo "usage: $0 DIR" >&2
  exit 64
fi
dir=$1

if ! command -v openssl >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y openssl >&2
  else
    echo "$0: openssl is not installed (apt-get install openssl)" >&2
    exit 69
  fi
fi

mkdir -p "$dir"
cd "$dir"

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 \
  -keyout ca.key -out ca.crt -subj "/CN=mysql-backup throwaway test CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

openssl req -newkey rsa:2048 -nodes -sha256 \
  -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null

cat > server.ext <<'EXT'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost
EXT

openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
  -days 2 -sha256 -extfile server.ext -out server.crt 2>/dev/null

rm -f server.csr server.ext ca.srl
chmod 0600 ca.key server.key
