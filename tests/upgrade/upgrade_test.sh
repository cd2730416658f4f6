#!/usr/bin/env bash
# Issue 14 ("key hierarchy"): a store and SoftHSM token made by the previous release
# (fixture_v1, made by make_fixture.sh) open in this cofferd, and everything made before
# still decrypts and verifies: before and after a new rotation, and across a restart. Then
# the store on disk: migrated to schema 6 (Secrets Manager's tables, which work; key policies; identity policies and grants), one domain key, the old versions still token
# objects, the version rotated in now wrapped under the domain key.
#   upgrade_test.sh COFFERD
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 COFFERD" >&2
  exit 2
fi
cofferd=$1
here=$(cd "$(dirname "$0")" && pwd)
fixture=$here/fixture_v1
expected=$fixture/expected.json
. "$here/upgrade_env.sh"
PY=$(pick_python_with_boto3)
kms() { "$PY" "$here/upgrade_kms.py" "$@"; }
# step DESCRIPTION COMMAND...: check.sh's check, saying first what it runs (the Python
# steps print a line per check of their own).
step() {
  echo "-- $1"
  check "$@"
}

# On a copy: the upgrade rewrites the store and the token, the fixture must stay as made.
state=$work/state
cp -R "$fixture/state" "$state"
# git checks files out 0644; a real state directory is for cofferd's user only.
chmod -R go-rwx "$state"
# The token directory is named by an absolute path, the one it was made in: point it at
# the copy (SoftHSM would otherwise find no token, or the fixture's own).
sed -i "s|^directories\.tokendir *=.*|directories.tokendir = $state/tokens|" "$state/softhsm2.conf"
step "softhsm2.conf names the copied token directory" \
  grep -qxF "directories.tokendir = $state/tokens" "$state/softhsm2.conf"
# Which versions the previous release left, read before the new cofferd touches the store.
step "read the fixture's key versions" kms versions "$state/coffer.db" "$work/fixture-versions.json"

# started_cleanly LOG: the start-up reconciliation found every token object the store names
# and none it does not (a migration that lost or renamed one shows here first).
started_cleanly() {
  ! grep -E '"event":"(token_object_missing|orphan_found|orphan_removed)"' "$1" >&2
}

echo "== first start of $cofferd on the copied fixture"
serve "$state" "$cofferd" "$work/cofferd-1.log"
step "first start: no missing or orphaned token objects" started_cleanly "$work/cofferd-1.log"
step "everything made by the previous release decrypts and verifies" kms check "$expected"
step "rotate on demand; encrypt and decrypt under the new version" \
  kms rotate "$expected" "$work/new.json"
step "Secrets Manager works on the upgraded store" kms secret put
step "cofferd stops cleanly (SIGTERM)" stop_served

echo "== restart on the same state directory"
serve "$state" "$cofferd" "$work/cofferd-2.log"
step "restart: no missing or orphaned token objects" started_cleanly "$work/cofferd-2.log"
step "after the restart, old and new ciphertexts decrypt, all still verifies" \
  kms check "$expected" "$work/new.json"
step "after the restart, the secret made after the upgrade reads back" kms secret get
step "cofferd stops cleanly again (SIGTERM)" stop_served

echo "== the store on disk, cofferd stopped"
step "the migrated store" \
  kms schema "$state/coffer.db" "$expected" "$work/fixture-versions.json" "$work/new.json"
finish
