#!/usr/bin/env bash
# `openssl s_server -key coffer:…` completes a TLS 1.3 handshake with `openssl s_client`
# (no provider, verifying the server's self-signed certificate) for an RSA key, which
# signs with RSA-PSS (rsa_pss_rsae_sha256), and an ECDSA P-256 key. s_server also checks
# that the certificate and the Coffer key match.
# Usage: tls_server_test.sh COFFERD COFFER PROVIDER_DIR PRELOAD
. "$(dirname "$0")/provider_env.sh"
start_with_provider

check "make RSA key" make_key RSA_2048 SIGN_VERIFY alias/tls-rsa >/dev/null
check "make P-256 key" make_key ECC_NIST_P256 SIGN_VERIFY alias/tls-ec >/dev/null

# handshake NAME KEY SIGTYPE: a certificate for the key, then one s_server connection.
handshake() {
  local name=$1 key=$2 sigtype=$3
  ossl req -new -x509 -key "coffer:alias/$key" -subj "/CN=$name.test" -days 30 \
    -out "$name.pem" 2>"$name.req.err" || { cat "$name.req.err" >&2; return 1; }
  # -www: the server answers one HTTP request with its session report (and, unlike the
  # interactive mode, does not stop when its stdin is at end of file).
  ossl s_server -accept 127.0.0.1:0 -naccept 1 -tls1_3 -www -key "coffer:alias/$key" \
    -cert "$name.pem" >"$name.server.out" 2>"$name.server.err" &
  local server=$!
  local port=
  for _ in $(seq 1 100); do
    port=$(sed -n 's/^ACCEPT .*:\([0-9][0-9]*\)$/\1/p' "$name.server.out" | head -n 1)
    [ -n "$port" ] && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    echo "  $name: s_server did not start:" >&2
    cat "$name.server.out" "$name.server.err" >&2
    return 1
  fi
  # -ign_eof: wait for the server's answer (it closes the connection after it).
  printf 'GET / HTTP/1.0\r\n\r\n' | plain_openssl s_client -connect "127.0.0.1:$port" -tls1_3 -ign_eof \
    -CAfile "$name.pem" -verify_return_error >"$name.client.out" 2>&1
  local client_status=$?
  wait "$server"
  local server_status=$?
  local ok=0
  [ "$client_status" -eq 0 ] || { echo "  $name: s_client exit $client_status" >&2; ok=1; }
  [ "$server_status" -eq 0 ] || { echo "  $name: s_server exit $server_status" >&2; ok=1; }
  grep -q 'Protocol  *: TLSv1.3' "$name.client.out" || { echo "  $name: not TLS 1.3" >&2; ok=1; }
  grep -q 'Verify return code: 0 (ok)' "$name.client.out" || { echo "  $name: not verified" >&2; ok=1; }
  grep -q "Peer signature type: $sigtype" "$name.client.out" ||
    { echo "  $name: peer signature type is not $sigtype" >&2; ok=1; }
  grep -q 'New, TLSv1.3, Cipher is TLS_' "$name.client.out" || { echo "  $name: no TLS 1.3 cipher" >&2; ok=1; }
  if [ "$ok" -ne 0 ]; then cat "$name.client.out" "$name.server.err" >&2; fi
  return "$ok"
}
check "TLS 1.3 handshake, RSA key (RSA-PSS)" handshake rsa tls-rsa RSA-PSS
check "TLS 1.3 handshake, ECDSA P-256 key" handshake ec tls-ec ECDSA

# A certificate of another key is refused at start-up (the key-match check).
check "s_server refuses a certificate of another key" fails ossl s_server -accept 127.0.0.1:0 \
  -naccept 1 -key coffer:alias/tls-rsa -cert ec.pem
finish
