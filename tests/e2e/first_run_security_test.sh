#!/usr/bin/env bash
# cofferd's first run is private (hardening issue 12, defects 3 and 9): a new state
# directory, the token directory and every file in them are for cofferd's user only; a
# symlink planted as STATE/admin.credentials is never written through; the token is
# initialised in-process (no softhsm2-util, no PIN on any argv); a plaintext AWS listener
# away from loopback is refused, on loopback it starts.
#   first_run_security_test.sh COFFERD COFFER
set -uo pipefail
cofferd=$1
coffer=$2
. "$(dirname "$0")/cofferd_env.sh"

# stop_daemon: SIGTERM, up to 40 s to exit, then SIGKILL; never waits for ever.
stop_daemon() {
  [ -n "$cofferd_pid" ] || return 0
  local status=0
  kill -TERM "$cofferd_pid" 2>/dev/null
  for _ in $(seq 1 400); do kill -0 "$cofferd_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$cofferd_pid" 2>/dev/null; then
    echo "  cofferd ignored SIGTERM for 40 s; killing it" >&2
    kill -KILL "$cofferd_pid" 2>/dev/null
    status=1
  fi
  wait "$cofferd_pid" || status=$?
  cofferd_pid=
  return "$status"
}
watcher=
trap 'stop_daemon; [ -n "$watcher" ] && kill "$watcher" 2>/dev/null; cleanup' EXIT

# start_in STATE LOG [FLAGS...]: cofferd with the flags launch_cofferd uses, waiting up to
# 60 s for its "ready" event. Returns 0 when ready (cofferd_pid set), 1 when it exited first
# or never got ready (its log is printed then).
start_in() {
  local state=$1 log=$2
  shift 2
  "$cofferd" --listen 127.0.0.1:0 --plaintext-loopback --metrics-listen 127.0.0.1:0 \
    --state-dir "$state" "$@" >"$log" 2>&1 &
  cofferd_pid=$!
  for _ in $(seq 1 600); do
    if grep -q '"event":"ready"' "$log"; then return 0; fi
    if ! kill -0 "$cofferd_pid" 2>/dev/null; then
      wait "$cofferd_pid" || true
      cofferd_pid=
      echo "  cofferd exited before it was ready: $(cat "$log")" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "  cofferd was not ready within 60 s: $(cat "$log")" >&2
  stop_daemon
  return 1
}
mode_is() {  # mode_is MODE PATH
  local got
  got=$(stat -c %a "$2" 2>/dev/null) || { echo "  $2 does not exist" >&2; return 1; }
  [ "$got" = "$1" ] || { echo "  $2 has mode $got, expected $1" >&2; return 1; }
}
nothing_printed() {  # nothing_printed COMMAND...: the command succeeds and prints nothing
  local out
  out=$("$@") && [ -z "$out" ] || { echo "  $*: $out" >&2; return 1; }
}

# A softhsm2-util that only leaves a marker: cofferd must not run it (a PIN on its argv).
mkdir "$work/bin"
printf '#!/bin/sh\necho "$@" >"%s"\nexit 1\n' "$work/softhsm2-util-ran" >"$work/bin/softhsm2-util"
chmod 755 "$work/bin/softhsm2-util"
export PATH="$work/bin:$PATH"

# 1 + 3. First run on a state directory cofferd creates itself; meanwhile every process's
# argv is sampled, to look for the PINs afterwards.
state=$work/state
( while :; do cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\0' '\n'; sleep 0.05; done ) >"$work/argv" &
watcher=$!
start_in "$state" "$work/first.log" && started=0 || started=1
kill "$watcher" 2>/dev/null; wait "$watcher" 2>/dev/null; watcher=
check "first run on a new state directory gets ready" test "$started" -eq 0
check "the token was created" grep -q '"event":"token_created"' "$work/first.log"
check "cofferd stops on SIGTERM" stop_daemon
check "state dir is 700" mode_is 700 "$state"
check "tokens dir is 700" mode_is 700 "$state/tokens"
for f in coffer.db admin.credentials user.pin so.pin softhsm2.conf; do
  check "$f is 600" mode_is 600 "$state/$f"
done
check "the token has files" test -n "$(find "$state/tokens" -type f)"
check "nothing under STATE is group- or world-accessible" nothing_printed find "$state" -perm /077
check "no softhsm2-util was run" test ! -e "$work/softhsm2-util-ran"
for pin in user.pin so.pin; do
  check "$pin is not empty" test -s "$state/$pin"
  check "$pin was on no process's argv" bash -c "! grep -qF -- \"\$(cat '$state/$pin')\" '$work/argv'"
done

# 2. A symlink planted as STATE/admin.credentials, to a file outside and to nowhere.
printf 'untouched' >"$work/target"
for variant in target absent; do
  s=$work/state-$variant
  mkdir -m 700 "$s"
  ln -s "$work/$variant" "$s/admin.credentials"
  if start_in "$s" "$work/$variant.log"; then
    check "cofferd ($variant symlink) stops on SIGTERM" stop_daemon
  else
    echo "  (cofferd refused the planted $variant symlink; allowed)" >&2
  fi
  if [ -e "$s/admin.credentials" ] || [ -L "$s/admin.credentials" ]; then
    check "admin.credentials ($variant) is no longer a symlink" test ! -L "$s/admin.credentials"
    check "admin.credentials ($variant) is 600" mode_is 600 "$s/admin.credentials"
  fi
done
check "the symlink's target is untouched" bash -c "[ \"\$(cat '$work/target'; echo x)\" = untouchedx ]"
check "no file was created where the dangling symlink pointed" test ! -e "$work/absent"

# 4. Plaintext AWS listener: refused away from loopback, served on loopback.
timeout 20 "$cofferd" --listen 127.0.0.1:0 --plaintext-loopback --metrics-listen 127.0.0.1:0 \
  --state-dir "$state" --aws-listen 0.0.0.0:0 >"$work/aws-any.log" 2>&1 && status=0 || status=$?
check "plaintext --aws-listen 0.0.0.0 exits on its own" test "$status" -ne 124
check "... with a non-zero status (got $status)" test "$status" -ne 0
check "... saying why (loopback)" grep -q loopback "$work/aws-any.log"
check "... and never ready" bash -c "! grep -q '\"event\":\"ready\"' '$work/aws-any.log'"
start_in "$state" "$work/aws-loopback.log" --aws-listen 127.0.0.1:0 && started=0 || started=1
check "plaintext --aws-listen 127.0.0.1 starts" test "$started" -eq 0
port=$(sed -n 's/.*"event":"ready".*"port":"\([0-9]*\)".*/\1/p' "$work/aws-loopback.log")
check "the first-run admin credentials work" env COFFER_ENDPOINT="127.0.0.1:$port" COFFER_TLS=0 \
  COFFER_API_KEY= COFFER_API_KEY_FILE="$state/admin.credentials" "$coffer" list-keys >/dev/null
check "cofferd with the AWS listener stops on SIGTERM" stop_daemon
finish
