#!/usr/bin/env bash
# Issue 21: request quotas seen by the aws CLI. With a small symmetric quota:
#  (a) without retries a burst of Encrypts is partly refused, every refusal is
#      ThrottlingException "Rate exceeded", and the metrics count exactly those refusals;
#  (b) with the CLI's standard retries the same burst succeeds entirely, and the metrics
#      show the throttled attempts the CLI retried;
#  (c) a ciphertext of the burst decrypts.
# Usage: quotas_aws_cli_test.sh COFFERD
set -euo pipefail
. "$(dirname "$0")/cofferd_aws_env.sh"
AWS=$(pick_aws) || { echo "no aws CLI (scripts/install-deps.sh installs awscli)" >&2; exit 1; }

# Rate 2 (a bucket of 2): 20 aws CLI processes started at once on a small machine reach
# cofferd spread over a few seconds (each CLI takes ~0.5 s of CPU to start), so a larger
# rate would refill the bucket as fast as they arrive and throttle nothing.
cat >"$work/quotas.conf" <<'EOF'
# quotas of quotas_aws_cli_test.sh
burst_seconds = 1
kms.cryptographic.symmetric = 2
kms.CreateKey = 1000
EOF
COFFER_EXTRA_FLAGS="--quotas-file $work/quotas.conf" start_cofferd "$1"
metrics_port=$(grep -m 1 '"event":"ready"' "$work/cofferd.log" | sed -n 's/.*"metrics_port":"\([0-9]*\)".*/\1/p')
kms() { "$AWS" --endpoint-url "$COFFER_AWS_ENDPOINT" kms "$@"; }
same() { [ "$2" = "$3" ] || { echo "$1: expected [$2], got [$3]" >&2; return 1; }; }
# metric NAME LABEL="VALUE"...: the sum of NAME's samples that carry every label given (0: none).
metric() {
  local name=$1
  shift
  curl -sSf "http://127.0.0.1:$metrics_port/metrics" | awk -v name="$name" -v want="$*" '
    BEGIN { n = split(want, labels, " ") }
    index($0, name "{") == 1 || index($0, name " ") == 1 {
      for (i = 1; i <= n; i++) if (index($0, labels[i]) == 0) next
      sum += $NF
    }
    END { printf "%d\n", sum }'
}
throttled_encrypts() {
  metric coffer_quota_throttled_total 'operation="Encrypt"' 'quota="kms.cryptographic.symmetric"' \
    'principal_class="root"'
}
throttled_answers() {
  metric coffer_requests_total 'front_end="aws"' 'method="Encrypt"' 'code="ThrottlingException"'
}
# Refused by the quota or shed by a busy server: each is one ThrottlingException answer.
quota_or_shed() { echo $(($(throttled_encrypts) + $(metric coffer_work_queue_throttled))); }
# burst DIR N: N encrypts at once, each CLI's output in DIR/I.out, its errors in DIR/I.err,
# its exit status in DIR/I.rc.
burst() {
  local dir=$1 n=$2 i pids=()
  mkdir -p "$dir"
  for i in $(seq 1 "$n"); do
    (
      rc=0
      kms encrypt --key-id "$key" --plaintext "fileb://$work/plain" --query CiphertextBlob --output text \
        >"$dir/$i.out" 2>"$dir/$i.err" || rc=$?
      echo "$rc" >"$dir/$i.rc"
    ) &
    pids+=($!)
  done
  wait "${pids[@]}"  # not a bare wait: cofferd is a child of this shell too
}
failed() {  # failed DIR: the numbers of the CLIs of a burst that failed
  local f
  for f in "$1"/*.rc; do
    [ "$(cat "$f")" = 0 ] || basename "$f" .rc
  done
}
only_throttling() {  # only_throttling DIR: every failed CLI of the burst reports a throttled Encrypt
  local i status=0
  for i in $(failed "$1"); do
    grep -q 'An error occurred (ThrottlingException) when calling the Encrypt operation.*Rate exceeded' \
      "$1/$i.err" || { echo "encrypt $i: $(cat "$1/$i.err")" >&2; status=1; }
  done
  return "$status"
}
none_failed() {  # none_failed DIR: every CLI of the burst succeeded
  local i status=0
  for i in $(failed "$1"); do echo "encrypt $i: $(cat "$1/$i.err")" >&2; status=1; done
  return "$status"
}

key=$(kms create-key --description quotas --query KeyMetadata.KeyId --output text)
check "create-key" test -n "$key"
printf 'quota payload \x00\xff' >"$work/plain"
check "nothing throttled before the burst" same "throttled" 0 "$(throttled_encrypts)"

# (a) No retries: what cofferd answers is what the CLI reports.
AWS_MAX_ATTEMPTS=1 AWS_RETRY_MODE=standard burst "$work/a" 20
failures=$(failed "$work/a" | wc -l)
echo "(a) 20 encrypts without retries: $((20 - failures)) succeeded, $failures failed"
check "some encrypts are throttled" test "$failures" -gt 0
check "some encrypts are admitted" test "$failures" -lt 20
check "every failure is ThrottlingException \"Rate exceeded\"" only_throttling "$work/a"
empty=
for i in $(seq 1 20); do
  [ "$(cat "$work/a/$i.rc")" != 0 ] || [ -s "$work/a/$i.out" ] || empty+=" $i"
done
check "each admitted encrypt returned a ciphertext" test -z "$empty"
check "coffer_quota_throttled_total counts each refusal" same "quota metric" "$failures" "$(throttled_encrypts)"
check "coffer_requests_total counts each ThrottlingException answer" same "requests metric" "$failures" \
  "$(throttled_answers)"
check "nothing was shed: the quota refused them all" same "shed" 0 "$(metric coffer_work_queue_throttled)"

# (b) The CLI's standard retries (backoff with jitter) ride out the same quota.
before=$(throttled_encrypts)
AWS_MAX_ATTEMPTS=10 AWS_RETRY_MODE=standard burst "$work/b" 15
failures=$(failed "$work/b" | wc -l)
after=$(throttled_encrypts)
echo "(b) 15 encrypts with retries: $failures failed; $((after - before)) attempts throttled and retried"
check "with retries every encrypt succeeds" none_failed "$work/b"
check "the burst was throttled, so the CLI retried" test "$after" -gt "$before"
check "coffer_requests_total counts each throttled answer" same "requests metric" "$(quota_or_shed)" \
  "$(throttled_answers)"

# (c) A ciphertext of the retried burst decrypts (retries on: the bucket may be empty).
decrypts_back() {
  base64 -d "$work/b/1.out" >"$work/b1.ct" &&
    AWS_MAX_ATTEMPTS=10 AWS_RETRY_MODE=standard kms decrypt --ciphertext-blob "fileb://$work/b1.ct" \
      --query Plaintext --output text | base64 -d >"$work/plain.out" &&
    cmp "$work/plain" "$work/plain.out"
}
check "decrypt of a ciphertext of the burst" decrypts_back
finish
