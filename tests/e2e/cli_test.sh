#!/usr/bin/env bash
# The coffer CLI against a real cofferd: key, alias, file encryption round trip, pipes,
# --json, help, and failures with their exit status and exception name.
# Usage: cli_test.sh COFFERD COFFER
set -uo pipefail
cofferd=$1
coffer=$2
. "$(dirname "$0")/cofferd_env.sh"
start_cofferd "$cofferd"
cd "$work"

# Keys and aliases.
key=$("$coffer" --json create-key --description cli-test --tags team=e2e | json_field 'd["keyMetadata"]["keyId"]')
check "create-key printed a key id" test -n "$key"
check "create-alias" "$coffer" create-alias --alias-name alias/cli-test --target-key-id "$key"
check "list-aliases shows the alias" bash -c "'$coffer' list-aliases | grep -q 'alias/cli-test  *$key'"
check "describe-key table" bash -c "'$coffer' describe-key --key-id alias/cli-test | grep -q '^KeyState  *Enabled$'"

# A file through encrypt and decrypt, binary and with an encryption context.
head -c 3000 /dev/urandom >plain.bin
check "encrypt a file" "$coffer" encrypt --key-id alias/cli-test --in plain.bin --out cipher.bin --encryption-context app=cli
check "decrypt it back" "$coffer" decrypt --in cipher.bin --out round.bin --encryption-context app=cli
check "round trip is identical" cmp plain.bin round.bin
check "plaintext output is private" test "$(stat -c %a round.bin)" = 600

# stdin to stdout, base64 in between.
out=$(printf 'piped text' | "$coffer" encrypt --key-id "$key" --base64 | "$coffer" decrypt --base64)
check "stdin/stdout pipeline" test "$out" = "piped text"

# --json parses, everywhere it is offered.
for cmd in "describe-key --key-id $key" "list-keys" "list-aliases" "get-key-rotation-status --key-id $key" \
  "list-resource-tags --key-id $key" "generate-random --number-of-bytes 16" \
  "generate-data-key --key-id $key" "generate-data-key-without-plaintext --key-id $key --key-spec AES_128" \
  "encrypt --key-id $key --plaintext hi" "enable-key --key-id $key"; do
  check "--json $cmd" bash -c "'$coffer' --json $cmd | python3 -c 'import json,sys; json.load(sys.stdin)'"
done
tag=$("$coffer" list-resource-tags --key-id "$key" --json | json_field 'd["tags"][0]["tagKey"]')
check "tags given at creation" test "$tag" = team

# Data keys to files; the encrypted copy decrypts to the plaintext copy.
check "generate-data-key to files" "$coffer" generate-data-key --key-id "$key" --out dk.enc --plaintext-out dk.bin
check "data key decrypts" bash -c "'$coffer' decrypt --in dk.enc --out dk.round && cmp dk.bin dk.round"
check "generate-random to a file" bash -c "'$coffer' generate-random --number-of-bytes 16 --out r.bin && test \$(stat -c %s r.bin) = 16"

# Rotation and re-encryption.
check "enable-key-rotation" "$coffer" enable-key-rotation --key-id "$key" --rotation-period-in-days 180
check "enable-key-rotation by alias (the CLI resolves it; the server takes only ids and ARNs)" "$coffer" enable-key-rotation --key-id alias/cli-test --rotation-period-in-days 180
check "tag-resource by alias" "$coffer" tag-resource --key-id alias/cli-test --tags team=cli
period=$("$coffer" --json get-key-rotation-status --key-id "$key" | json_field 'd["rotationPeriodInDays"]')
check "rotation period" test "$period" = 180
key2=$("$coffer" --json create-key | json_field 'd["keyMetadata"]["keyId"]')
check "re-encrypt" "$coffer" re-encrypt --in cipher.bin --source-encryption-context app=cli --destination-key-id "$key2" --out cipher2.bin
check "re-encrypted decrypts" bash -c "'$coffer' decrypt --in cipher2.bin --out round2.bin && cmp plain.bin round2.bin"

# Failures: exit 1 and the exception name; usage errors exit 2.
expect_failure() {  # expect_failure STATUS PATTERN ARGS...
  local want=$1 pattern=$2
  shift 2
  local status=0
  "$coffer" "$@" >/dev/null 2>err.txt || status=$?
  if [ "$status" -ne "$want" ] || ! grep -q "$pattern" err.txt; then
    echo "  coffer $*: status $status, stderr: $(cat err.txt)" >&2
    return 1
  fi
}
check "wrong context" expect_failure 1 '^coffer: InvalidCiphertextException: ' decrypt --in cipher.bin --encryption-context app=other
check "unknown key" expect_failure 1 '^coffer: NotFoundException: ' describe-key --key-id 00000000-0000-0000-0000-000000000000
check "disable-key" "$coffer" disable-key --key-id "$key2"
check "disabled key error" expect_failure 1 '^coffer: DisabledException: ' encrypt --key-id "$key2" --plaintext x --base64
check "missing option" expect_failure 2 'key-id is required' encrypt --plaintext x
check "unknown option" expect_failure 2 'unknown option --nope' list-keys --nope
check "unknown command" expect_failure 2 "unknown command 'nope'" nope
check "unreachable server" expect_failure 1 '^coffer: DependencyTimeoutException: .*cannot connect' --endpoint 127.0.0.1:1 list-keys

# --help everywhere.
check "coffer --help" bash -c "'$coffer' --help | grep -q '^usage: coffer'"
for sub in $("$coffer" --help | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p'); do
  check "$sub --help" bash -c "'$coffer' $sub --help | grep -q '^usage: coffer $sub '"
done

check "cofferd stops cleanly on SIGTERM" stop_cofferd
finish
