#!/usr/bin/env bash
# `coffer secrets` against a real cofferd (issue 15): create, get, put, update, versions and
# labels, describe, list, tags, delete and restore, rotation schedule, passwords and policies;
# values from --value, --value-file and stdin, binary values never from argv; --json parsed
# with python3; failures with their exit status and exception name.
# Usage: secrets_cli_test.sh COFFERD COFFER
set -uo pipefail
cofferd=$1
coffer=$2
. "$(dirname "$0")/cofferd_env.sh"
start_cofferd "$cofferd"
cd "$work"

sec() { "$coffer" secrets "$@"; }
jsec() { "$coffer" --json secrets "$@"; }
quiet() { "$coffer" secrets "$@" >/dev/null; }
expect_failure() {  # expect_failure STATUS PATTERN ARGS...
  local want=$1 pattern=$2
  shift 2
  local status=0
  "$coffer" "$@" >/dev/null 2>err.txt </dev/null || status=$?
  if [ "$status" -ne "$want" ] || ! grep -q "$pattern" err.txt; then
    echo "  coffer $*: status $status, stderr: $(cat err.txt)" >&2
    return 1
  fi
}

# Create with a value from --value, read it back (table, --json, --out).
arn=$(jsec create --name app/db --value 'pw-one' --description 'the database' --tags team=e2e | json_field 'd["arn"]')
check "create printed an ARN" bash -c "grep -q ':secret:app/db-' <<<'$arn'"
check "get shows the value" bash -c "'$coffer' secrets get --secret-id app/db | grep -q '^SecretString  *pw-one$'"
value=$(jsec get --secret-id app/db | json_field 'd["secretString"]')
check "get --json" test "$value" = pw-one
check "get --out - prints the bare value" test "$(sec get --secret-id "$arn" --out -)" = pw-one
check "get --out FILE" bash -c "'$coffer' secrets get --secret-id app/db --out v.txt >/dev/null && test \"\$(cat v.txt)\" = pw-one && test \$(stat -c %a v.txt) = 600"

# put from stdin (the default) and from a file; versions and labels follow.
first=$(jsec get --secret-id app/db | json_field 'd["versionId"]')
check "put from stdin" bash -c "printf 'pw-two' | '$coffer' secrets put --secret-id app/db >/dev/null"
check "stdin value is current" test "$(sec get --secret-id app/db --out -)" = pw-two
check "previous value by stage" test "$(sec get --secret-id app/db --version-stage AWSPREVIOUS --out -)" = pw-one
check "previous value by id" test "$(sec get --secret-id app/db --version-id "$first" --out -)" = pw-one
printf 'pw-three' >three.txt
token=0123456789abcdef0123456789abcdef
check "put from a file with a token" quiet put --secret-id app/db --value-file three.txt --client-request-token $token
check "same token, same value: no new version" quiet put --secret-id app/db --value-file three.txt --client-request-token $token
count=$(jsec versions --secret-id app/db | json_field 'len(d["versions"])')
check "two labelled versions" test "$count" = 2
count=$(jsec versions --secret-id app/db --include-deprecated | json_field 'len(d["versions"])')
check "three versions with --include-deprecated" test "$count" = 3
check "versions table" bash -c "'$coffer' secrets versions --secret-id app/db | grep -q '^$token  *AWSCURRENT'"

# Labels: AWSCURRENT back to the first version.
check "stage" quiet stage --secret-id app/db --version-stage AWSCURRENT --move-to-version-id "$first" --remove-from-version-id $token
check "staged value is current" test "$(sec get --secret-id app/db --out -)" = pw-one

# update: description only, then a value.
check "update description" quiet update --secret-id app/db --description 'renamed'
check "update value" bash -c "'$coffer' secrets update --secret-id app/db --value pw-four >/dev/null"
check "updated value" test "$(sec get --secret-id app/db --out -)" = pw-four
desc=$(jsec describe --secret-id app/db | json_field 'd["description"]')
check "describe --json" test "$desc" = renamed
check "describe table" bash -c "'$coffer' secrets describe --secret-id app/db | grep -q '^Tags  *team=e2e$'"

# Binary: from a file or stdin, never from --value; written back byte for byte.
head -c 2000 /dev/urandom >key.bin
check "binary from a file" quiet create --name app/key --binary --value-file key.bin
check "binary round trip" bash -c "'$coffer' secrets get --secret-id app/key --out key.out >/dev/null && cmp key.bin key.out"
check "binary from stdin" bash -c "'$coffer' secrets put --secret-id app/key --binary <key.bin >/dev/null"
b64=$(jsec get --secret-id app/key | json_field 'd["secretBinary"]')
check "binary in --json is base64" bash -c "base64 -d <<<'$b64' | cmp - key.bin"
check "base64 --out" bash -c "'$coffer' secrets get --secret-id app/key --out - --base64 | base64 -d | cmp - key.bin"

# Tags and list.
check "tag" quiet tag --secret-id app/db --tags env=prod --tags Key=owner,Value=ops
check "untag" quiet untag --secret-id app/db --tag-keys owner
tags=$(jsec describe --secret-id app/db | json_field '",".join(sorted(t["key"] + "=" + t["value"] for t in d["tags"]))')
check "tags after tag and untag" test "$tags" = "env=prod,team=e2e"
names=$(jsec list | json_field '",".join(sorted(s["name"] for s in d["secretList"]))')
check "list --json" test "$names" = "app/db,app/key"
check "list table" bash -c "'$coffer' secrets list | grep -q '^app/db  *renamed '"
filtered=$(jsec list --filter name=app/k | json_field '",".join(s["name"] for s in d["secretList"])')
check "list --filter" test "$filtered" = app/key
paged=$(jsec list --max-results 1 | json_field 'str(len(d["secretList"])) + " " + str("nextToken" in d)')
check "list --max-results gives one page" test "$paged" = "1 True"

# Delete and restore.
check "delete with a window" quiet delete --secret-id app/key --recovery-window-in-days 7
check "deleted secret is refused" expect_failure 1 '^coffer: InvalidRequestException: ' secrets get --secret-id app/key
check "hidden from list" bash -c "! '$coffer' secrets list | grep -q app/key"
check "listed with --include-planned-deletion" bash -c "'$coffer' secrets list --include-planned-deletion | grep -q app/key"
check "restore" quiet restore --secret-id app/key
check "restored" bash -c "'$coffer' secrets get --secret-id app/key --out - | cmp - key.bin"

# Rotation schedule (no immediate rotation), then off again.
check "rotate --no-rotate-immediately" quiet rotate --secret-id app/db --rotation-lambda-arn coffer:rotator:random-password --automatically-after-days 30 --no-rotate-immediately
enabled=$(jsec describe --secret-id app/db | json_field 'str(d["rotationEnabled"]) + " " + str(d["rotationRules"]["automaticallyAfterDays"])')
check "rotation enabled" test "$enabled" = "True 30"
check "cancel-rotation" quiet cancel-rotation --secret-id app/db
enabled=$(jsec describe --secret-id app/db | json_field 'd["rotationEnabled"]')
check "rotation off" test "$enabled" = False

# Passwords.
pw=$(sec random-password --password-length 24 --exclude-punctuation)
check "random-password length" test "${#pw}" = 24
check "random-password alphabet" bash -c "[[ '$pw' =~ ^[A-Za-z0-9]+$ ]]"
pwj=$(jsec random-password --password-length 10 | json_field 'd["randomPassword"]')
check "random-password --json" test "${#pwj}" = 10

# Resource policies.
cat >policy.json <<'JSON'
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}
JSON
check "put-policy from a file" quiet put-policy --secret-id app/db --policy-file policy.json
got=$(jsec get-policy --secret-id app/db | json_field 'json.loads(d["resourcePolicy"])["Statement"][0]["Effect"]')
check "get-policy" test "$got" = Allow
valid=$(jsec validate-policy --policy-file policy.json | json_field 'd["policyValidationPassed"]')
check "validate-policy" test "$valid" = True
check "public policy refused" expect_failure 1 '^coffer: PublicPolicyException: ' secrets put-policy --secret-id app/db \
  --resource-policy '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}'
check "delete-policy" quiet delete-policy --secret-id app/db
nopolicy=$(jsec get-policy --secret-id app/db | json_field '"resourcePolicy" in d')
check "policy gone" test "$nopolicy" = False

# --json parses everywhere it is offered.
for cmd in "describe --secret-id app/db" "list" "versions --secret-id app/db" "get --secret-id app/db" \
  "tag --secret-id app/db --tags a=b" "untag --secret-id app/db --tag-keys a" "random-password" \
  "get-policy --secret-id app/db" "validate-policy --policy-file policy.json" \
  "update --secret-id app/db --description x" "put --secret-id app/db --value pw-json"; do
  check "--json secrets $cmd" bash -c "'$coffer' --json secrets $cmd | python3 -c 'import json,sys; json.load(sys.stdin)'"
done

# Failures: exit 1 and the exception name; usage errors exit 2 and send nothing.
check "unknown secret" expect_failure 1 '^coffer: ResourceNotFoundException: ' secrets get --secret-id no/such
check "duplicate name" expect_failure 1 '^coffer: ResourceExistsException: ' secrets create --name app/db
check "short token" expect_failure 1 "^coffer: ValidationException: .*clientRequestToken" secrets put --secret-id app/db --value x --client-request-token short
check "binary from argv refused" expect_failure 2 'never from the command line' secrets create --name app/x --binary --value abc
check "non-UTF-8 text refused" bash -c "printf '\\xff\\xfe' | '$coffer' secrets put --secret-id app/db 2>&1 >/dev/null | grep -q 'not UTF-8'"
check "value and value-file" expect_failure 2 'either --value or --value-file' secrets put --secret-id app/db --value a --value-file three.txt
check "window out of range" expect_failure 2 'recovery-window-in-days' secrets delete --secret-id app/db --recovery-window-in-days 3
check "missing secret id" expect_failure 2 'secret-id is required' secrets get
check "no secrets command" expect_failure 2 "'secrets' needs a command" secrets
check "unknown secrets command" expect_failure 2 "unknown command 'secrets nope'" secrets nope
check "global option after the command" quiet list --endpoint "$COFFER_ENDPOINT"

# --help everywhere.
check "coffer secrets --help" bash -c "'$coffer' secrets --help | grep -q '^usage: coffer secrets '"
for sub in $("$coffer" secrets --help | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p'); do
  check "secrets $sub --help" bash -c "'$coffer' secrets $sub --help | grep -q '^usage: coffer secrets $sub '"
  check "help secrets $sub" bash -c "'$coffer' help secrets $sub | grep -q '^usage: coffer secrets $sub '"
done

check "cofferd stops cleanly on SIGTERM" stop_cofferd
finish
