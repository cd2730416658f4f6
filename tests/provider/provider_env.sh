# Sourced by the provider tests (tests/provider/*_test.sh). Arguments of every test:
#   COFFERD COFFER PROVIDER_DIR PRELOAD
# PRELOAD is 0, or the sanitizer runtimes (a:b) that an ASan build of coffer.so needs
# loaded first in the system's /usr/bin/openssl (tests/provider/CMakeLists.txt finds them).
# Starts a throw-away cofferd (tests/e2e/cofferd_env.sh), then gives the openssl CLI its
# own OPENSSL_CONF that loads the default provider and coffer.so. Only `ossl` (the openssl
# wrapper below) sees that configuration: cofferd and the coffer CLI use OpenSSL too, and
# SoftHSM inside cofferd uses the default library context (FACTS.md).
set -uo pipefail
cofferd=$1
coffer=$2
provider_dir=$(cd "$3" && pwd)
preload=${4:-0}
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/cofferd_env.sh"

# OpenSSL's own allocations at exit are not ours to report: no leak check in openssl.
ossl_env=()
if [ "$preload" != 0 ]; then
  ossl_env=(LD_PRELOAD="$preload" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1)
fi

# write_openssl_conf FILE [LINE...]: the configuration, extra LINEs in the coffer section
# (endpoint and tls come from COFFER_ENDPOINT/COFFER_TLS unless given there).
write_openssl_conf() {
  local file=$1
  shift
  {
    echo "openssl_conf = openssl_init"
    echo "[openssl_init]"
    echo "providers = provider_sect"
    echo "[provider_sect]"
    echo "default = default_sect"
    echo "coffer = coffer_sect"
    echo "[default_sect]"
    echo "activate = 1"
    echo "[coffer_sect]"
    echo "module = $provider_dir/coffer.so"
    echo "activate = 1"
    local line
    for line in "$@"; do echo "$line"; done
  } >"$file"
}

# ossl ARGS...: the openssl CLI with the test's configuration (or $ossl_conf), never
# longer than 30 s.
ossl() {
  env OPENSSL_CONF="${ossl_conf:-$work/openssl.cnf}" "${ossl_env[@]}" timeout 30 openssl "$@"
}
# plain_openssl ARGS...: the openssl CLI without the provider (the independent check).
plain_openssl() {
  env OPENSSL_CONF=/dev/null timeout 30 openssl "$@"
}

# fails COMMAND...: true when the command fails (its output dropped).
fails() { ! "$@" >/dev/null 2>&1; }

# make_key SPEC USAGE ALIAS: a Coffer key with an alias; prints the key id.
make_key() {
  local id
  id=$("$coffer" --json create-key --key-spec "$1" --key-usage "$2" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["keyMetadata"]["keyId"])') || return 1
  "$coffer" create-alias --alias-name "$3" --target-key-id "$id" >/dev/null || return 1
  echo "$id"
}

# start_with_provider: cofferd (plaintext loopback) and an openssl.cnf pointing at it.
start_with_provider() {
  start_cofferd "$cofferd"
  write_openssl_conf "$work/openssl.cnf" "endpoint = $COFFER_ENDPOINT" "tls = no"
  cd "$work" || exit 1
}
