#!/usr/bin/env bash
# Makes an upgrade fixture (issue 14, "key hierarchy") with a previous release's cofferd: a
# state directory (SoftHSM token, PINs, metadata store, admin credentials) holding one key
# of each kind, and OUT_DIR/expected.json with what was made under them, so that
# upgrade_test.sh can check a newer cofferd opens the store and everything still decrypts
# and verifies. tests/upgrade/fixture_v1 was made by this script (see its README.md).
#   make_fixture.sh PREV_BIN_DIR OUT_DIR
# PREV_BIN_DIR holds the previous release's cofferd; OUT_DIR must be new or empty.
# COFFER_PREV_COMMIT names the commit the binaries were built from, for OUT_DIR/README.md.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 PREV_BIN_DIR OUT_DIR" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
prev_cofferd=$(cd "$1" && pwd)/cofferd
out=$2
[ -x "$prev_cofferd" ] || { echo "$1 has no executable cofferd" >&2; exit 1; }
# Never mixed with files of an earlier run: a stale token object would go unnoticed.
if [ -e "$out" ] && [ -n "$(ls -A "$out")" ]; then
  echo "$out exists and is not empty" >&2
  exit 1
fi
commit=${COFFER_PREV_COMMIT:-unknown}

. "$here/upgrade_env.sh"
PY=$(pick_python_with_boto3)
# The previous release's binaries may be AddressSanitizer builds: their leak report at exit
# would turn the clean stop below into a failure, and leaks are not this fixture's business.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}

# A fresh state directory: the previous release's first run makes the token, the PINs, the
# store and the admin credentials exactly as an installation of it would have.
state=$work/state
serve "$state" "$prev_cofferd" "$work/cofferd.log"
"$PY" "$here/upgrade_kms.py" make "$work/expected.json" || {
  echo "making the fixture failed; cofferd's log:" >&2
  cat "$work/cofferd.log" >&2
  exit 1
}
# A clean stop closes the store: SQLite checkpoints the WAL into coffer.db and removes it.
if ! stop_served; then
  echo "the previous cofferd did not stop cleanly:" >&2
  cat "$work/cofferd.log" >&2
  exit 1
fi

# Only what a restart reads. admin.credentials too: a restart keeps the store's access keys
# (ensure_admin_credential writes the file only for a store without any), and the upgrade
# test signs with them.
mkdir -p "$out/state"
cp -p "$state/softhsm2.conf" "$state/user.pin" "$state/so.pin" "$state/admin.credentials" \
  "$state/coffer.db" "$out/state/"
cp -pR "$state/tokens" "$out/state/"
# Committed transactions still in the WAL would be lost without it: keep a non-empty one.
if [ -s "$state/coffer.db-wal" ]; then
  echo "note: coffer.db-wal is not empty after the stop; keeping it" >&2
  cp -p "$state/coffer.db-wal" "$out/state/"
fi
cp "$work/expected.json" "$out/expected.json"

cat >"$out/README.md" <<EOF
# Upgrade fixture: $(basename "$out")

Made by a previous release of cofferd, for \`tests/upgrade/upgrade_test.sh\` (issue 14):
the new cofferd must open this store and SoftHSM token and still decrypt and verify
everything listed in \`expected.json\`.

- Commit of the binaries: $commit
- Made on: $(date -u +%Y-%m-%d)
- Command: \`COFFER_PREV_COMMIT=$commit tests/upgrade/make_fixture.sh $1 $out\`
  (with cofferd built from that commit in $1; it ran as
  \`cofferd --listen 127.0.0.1:0 --plaintext-loopback --metrics-listen 127.0.0.1:0
  --state-dir STATE --aws-listen 127.0.0.1:0 --regions us-east-1\`)
- cofferd's sha256: $(sha256sum "$prev_cofferd" | cut -d ' ' -f 1)

\`state/\` is the state directory after a clean stop (SIGTERM): softhsm2.conf (its
\`directories.tokendir\` names the directory it was made in; the test rewrites it), the
PINs, the token directory, coffer.db and admin.credentials. \`expected.json\` holds the key
ids and ARNs, and base64 of every plaintext, ciphertext, signature, MAC and public key.
These are throw-away test secrets. Never regenerate this fixture from a newer release: it
stands for what the previous release left behind. A later format gets a new fixture_vN.
EOF
echo "fixture written to $out ($(du -sh "$out" | cut -f 1))"
