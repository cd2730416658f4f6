#!/usr/bin/env bash
# Makes, once, a private CA and a server certificate for 127.0.0.1/localhost under
# STATE/tls (default var/tls), so that the development service speaks TLS 1.3 like a real
# one. Also a client certificate (CN=dev-client) for trying mutual TLS.
set -euo pipefail
state=${1:-var}
dir="$state/tls"
[ -f "$dir/server.pem" ] && exit 0
mkdir -p "$dir"
umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
  -subj "/CN=Coffer development CA" -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
issue() {  # name, subject, extensions
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "$2" \
    -keyout "$dir/$1.key" -out "$dir/$1.csr" 2>/dev/null
  openssl x509 -req -in "$dir/$1.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 825 -extfile <(printf '%s' "$3") -out "$dir/$1.pem" 2>/dev/null
  rm -f "$dir/$1.csr"
}
issue server "/CN=localhost" "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"
issue client "/CN=dev-client" "extendedKeyUsage=clientAuth"
chmod 644 "$dir/ca.pem" "$dir/server.pem" "$dir/client.pem"
echo "Created a development CA and certificates in $dir"
