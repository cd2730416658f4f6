#!/usr/bin/env bash
# coffer encrypt-file / decrypt-file against a real cofferd: multi-segment round trips,
# stdin to stdout, two keys (either opens), the encryption context, and damaged inputs
# (altered, truncated, reordered, extended): exit status 1, an error message, and no
# output file (nor temporary) left behind; an existing output file is left untouched.
# Usage: cli_file_encryption_test.sh COFFERD COFFER
set -uo pipefail
cofferd=$1
coffer=$2
. "$(dirname "$0")/cofferd_env.sh"
start_cofferd "$cofferd"
cd "$work"

new_key() { "$coffer" --json create-key | python3 -c 'import json,sys; print(json.load(sys.stdin)["keyMetadata"]["keyId"])'; }
key1=$(new_key)
key2=$(new_key)
check "two keys" test -n "$key1" -a -n "$key2"

# 16 KiB segments: 1 MiB + 123 bytes is 65 segments, the last one short.
seg=16384
head -c $((1048576 + 123)) /dev/urandom >plain.bin
check "encrypt-file" "$coffer" encrypt-file --key-id "$key1" --key-id "$key2" --segment-size $seg \
  --encryption-context purpose=e2e --in plain.bin --out cipher.cfe
check "ciphertext is private" test "$(stat -c %a cipher.cfe)" = 600
check "decrypt-file" "$coffer" decrypt-file --in cipher.cfe --out round.bin
check "round trip is identical" cmp plain.bin round.bin
check "one thread gives the same" bash -c "'$coffer' decrypt-file --threads 1 --in cipher.cfe --out round1.bin && cmp plain.bin round1.bin"
check "required context present" "$coffer" decrypt-file --in cipher.cfe --out ctx.bin --encryption-context purpose=e2e
check "default segment size round trip" bash -c "'$coffer' encrypt-file --key-id '$key1' --in plain.bin --out c64.cfe &&
  '$coffer' decrypt-file --in c64.cfe --out r64.bin && cmp plain.bin r64.bin"

# Pipes both ways, and files to and from pipes.
check "stdin to stdout" bash -c "cat plain.bin | '$coffer' encrypt-file --key-id '$key1' --segment-size $seg |
  '$coffer' decrypt-file | cmp - plain.bin"
check "file to stdout" bash -c "'$coffer' decrypt-file --in cipher.cfe | cmp - plain.bin"
check "stdin to file" bash -c "'$coffer' decrypt-file --out piped.bin <cipher.cfe && cmp piped.bin plain.bin"
: >empty.bin
check "empty file" bash -c "'$coffer' encrypt-file --key-id '$key1' --in empty.bin --out empty.cfe &&
  '$coffer' decrypt-file --in empty.cfe --out empty.out && cmp empty.bin empty.out"
head -c $((3 * seg)) /dev/urandom >boundary.bin
check "input ending on a segment boundary" bash -c "'$coffer' encrypt-file --key-id '$key1' --segment-size $seg --in boundary.bin --out boundary.cfe &&
  '$coffer' decrypt-file --in boundary.cfe --out boundary.out && cmp boundary.bin boundary.out"

# Either key opens the file: the first one disabled, as if its region were down.
check "disable the first key" "$coffer" disable-key --key-id "$key1"
check "the second key opens it" bash -c "'$coffer' decrypt-file --in cipher.cfe --out second.bin && cmp plain.bin second.bin"
check "restricted to the second key" "$coffer" decrypt-file --in cipher.cfe --out only2.bin --key-id "$key2"
check "enable the first key" "$coffer" enable-key --key-id "$key1"

expect_failure() {  # expect_failure PATTERN OUTPUT ARGS...: exit 1, PATTERN on stderr, OUTPUT absent
  local pattern=$1 out=$2
  shift 2
  local status=0
  "$coffer" "$@" 2>err.txt || status=$?
  if [ "$status" -ne 1 ] || ! grep -q "$pattern" err.txt; then
    echo "  coffer $*: status $status, stderr: $(cat err.txt)" >&2
    return 1
  fi
  if [ -e "$out" ]; then
    echo "  $out was left behind" >&2
    return 1
  fi
  if ls -a | grep -q '\.coffer-'; then
    echo "  a temporary file was left behind: $(ls -a | grep '\.coffer-')" >&2
    return 1
  fi
}

# Damaged copies of cipher.cfe.
size=$(stat -c %s cipher.cfe)
body=$(( (1048576 + 123) / seg * (seg + 16) + (1048576 + 123) % seg + 16 ))
header=$((size - body))
damage() {  # damage OUT PYTHON-EXPRESSION-ON-b (b: bytearray of cipher.cfe; h: header size; s: sealed segment size)
  python3 -c "
import sys
b = bytearray(open('cipher.cfe', 'rb').read()); h = $header; s = $seg + 16
$2
open('$1', 'wb').write(b)"
}
damage flipped.cfe "b[h + 5 * s + 100] ^= 1"
damage flipped_tag.cfe "b[-1] ^= 1"
damage flipped_header.cfe "b[h - 40] ^= 1"
damage cut_mid.cfe "del b[h + 10 * s + 7:]"
damage cut_boundary.cfe "del b[h + 64 * s:]"
damage cut_tag.cfe "del b[-5:]"
damage cut_header.cfe "del b[h - 10:]"
damage swapped.cfe "b[h + 2 * s:h + 4 * s] = b[h + 3 * s:h + 4 * s] + b[h + 2 * s:h + 3 * s]"
damage duplicated.cfe "b[h + 2 * s:h + 2 * s] = b[h + 2 * s:h + 3 * s]"
damage extended.cfe "b += b'\0' * 20"
damage extended_segment.cfe "b += b[h:h + s]"
for bad in flipped flipped_tag flipped_header cut_mid cut_boundary cut_tag cut_header swapped duplicated extended extended_segment; do
  check "$bad: decrypt-file fails, nothing left" expect_failure '^coffer: InvalidCiphertextException: ' "out_$bad.bin" \
    decrypt-file --in "$bad.cfe" --out "out_$bad.bin"
done
check "wrong required context" expect_failure '^coffer: InvalidCiphertextException: .*context' out_ctx.bin \
  decrypt-file --in cipher.cfe --out out_ctx.bin --encryption-context purpose=other
check "not an envelope" expect_failure '^coffer: InvalidCiphertextException: ' out_plain.bin \
  decrypt-file --in plain.bin --out out_plain.bin

# A failed decrypt does not touch an existing output file.
echo "precious" >keep.txt
check "existing output survives a failure" bash -c "! '$coffer' decrypt-file --in flipped.cfe --out keep.txt 2>/dev/null &&
  test \"\$(cat keep.txt)\" = precious"

# To stdout a truncated stream ends with an error and exit status 1, after the verified part.
status=0
"$coffer" decrypt-file --in cut_mid.cfe >partial.bin 2>err.txt || status=$?
check "truncated stream to stdout: exit 1" test "$status" -eq 1
check "truncated stream to stdout: error named" grep -q '^coffer: InvalidCiphertextException: ' err.txt
check "truncated stream to stdout: only verified segments" test "$(stat -c %s partial.bin)" -le $((10 * seg))
status=0
head -c $((header + 10 * (seg + 16) + 7)) cipher.cfe | "$coffer" decrypt-file >/dev/null 2>err.txt || status=$?
check "truncated pipe: exit 1" test "$status" -eq 1

check "usage: key required" bash -c "'$coffer' encrypt-file --in plain.bin --out x.cfe 2>&1 | grep -q 'key-id is required'"
check "usage: segment size" bash -c "'$coffer' encrypt-file --key-id '$key1' --segment-size 20000 --in plain.bin --out x.cfe 2>/dev/null; test \$? -eq 2"
check "unknown key" expect_failure '^coffer: NotFoundException: ' nokey.cfe \
  encrypt-file --key-id 00000000-0000-0000-0000-000000000000 --in plain.bin --out nokey.cfe

finish
