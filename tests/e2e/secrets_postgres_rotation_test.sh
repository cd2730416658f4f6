#!/usr/bin/env bash
# The built-in PostgreSQL rotators end to end: a throw-away PostgreSQL 15 cluster (password
# auth only), a throw-away cofferd, secrets in AWS's RDS shape stored and rotated with the
# aws CLI, and psql to see what the database now accepts.
#   single user:      after rotate-secret the new password logs in, the old one no longer.
#   alternating users: the first rotation hands the secret to app_clone (created with app's
#                      grants) and app keeps working; the second hands it back to app with a
#                      new password, and app_clone keeps working.
# Usage: secrets_postgres_rotation_test.sh COFFERD
# COFFER_PG_BIN (default /usr/lib/postgresql/15/bin) and COFFER_PG_USER (the user that runs
# postgres when this runs as root; default nobody) adapt it to other machines.
set -uo pipefail
. "$(dirname "$0")/../interop/cofferd_aws_env.sh"

pg_bin=${COFFER_PG_BIN:-/usr/lib/postgresql/15/bin}
pg_user=${COFFER_PG_USER:-nobody}
for tool in initdb pg_ctl; do
  [ -x "$pg_bin/$tool" ] || { echo "no $pg_bin/$tool (Debian: postgresql-15)" >&2; exit 1; }
done
command -v psql >/dev/null || { echo "no psql (Debian: postgresql-client)" >&2; exit 1; }
AWS=$(pick_aws) || { echo "no aws CLI (scripts/install-deps.sh installs awscli)" >&2; exit 1; }

# postgres refuses to run as root: as root, the cluster belongs to $pg_user.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi
}

pgdir=$(mktemp -d "${TMPDIR:-/tmp}/coffer-pg-XXXXXX")
pg_started=
stop_postgres() {
  if [ -n "$pg_started" ]; then as_pg "$pg_bin/pg_ctl" -D "$pgdir/cluster/data" -m immediate stop >/dev/null 2>&1 || true; fi
  if [ -z "${COFFER_KEEP_TEST_DIRS:-}" ]; then rm -rf "$pgdir"; fi
}
cleanup_all() {
  stop_postgres
  cleanup  # cofferd_aws_env.sh: stops cofferd, removes $work
}
trap cleanup_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the cluster ------------------------------------------------------------------------
mkdir "$pgdir/cluster"
if [ "$(id -u)" -eq 0 ]; then
  chmod 755 "$pgdir"
  chown "$pg_user" "$pgdir/cluster"
  as_pg test -w "$pgdir/cluster" || { echo "$pg_user cannot write $pgdir (set TMPDIR or COFFER_PG_USER)" >&2; exit 1; }
fi
admin_password=$(openssl rand -hex 16)
(umask 077 && printf '%s\n' "$admin_password" >"$pgdir/cluster/admin-password")
[ "$(id -u)" -eq 0 ] && chown "$pg_user" "$pgdir/cluster/admin-password"
# Password authentication everywhere (SCRAM), TCP on loopback only, no Unix socket.
as_pg "$pg_bin/initdb" -D "$pgdir/cluster/data" -U coffer_admin --auth=scram-sha-256 \
  --pwfile="$pgdir/cluster/admin-password" -E UTF8 --no-instructions >"$pgdir/initdb.log" 2>&1 || {
  cat "$pgdir/initdb.log" >&2
  exit 1
}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
for _ in 1 2 3; do  # a port found free may be taken before postgres binds it: try another
  pg_port=$(free_port)
  if as_pg "$pg_bin/pg_ctl" -D "$pgdir/cluster/data" -l "$pgdir/cluster/postgres.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories=''" start >/dev/null; then
    pg_started=1
    break
  fi
done
[ -n "$pg_started" ] || { echo "postgres did not start:" >&2; cat "$pgdir/cluster/postgres.log" >&2; exit 1; }

export PGCONNECT_TIMEOUT=5 PGPASSFILE=/dev/null
unset PGSERVICE PGSSLMODE PGOPTIONS
sql() {  # sql USER PASSWORD STATEMENT: prints the result, fails when the login or statement fails
  PGPASSWORD=$2 psql -X -w -q -h 127.0.0.1 -p "$pg_port" -U "$1" -d postgres -v ON_ERROR_STOP=1 -tAc "$3"
}
can_login() { sql "$1" "$2" "SELECT 1" >/dev/null 2>&1; }
cannot_login() { ! can_login "$@"; }
reads_app_table() { [ "$(sql "$1" "$2" "SELECT count(*) FROM app_data" 2>/dev/null)" = 1 ]; }

master_password=$(openssl rand -hex 16)
solo_password=$(openssl rand -hex 16)
app_password=$(openssl rand -hex 16)
sql coffer_admin "$admin_password" "
  CREATE ROLE master LOGIN CREATEROLE PASSWORD '$master_password';
  CREATE ROLE solo LOGIN PASSWORD '$solo_password';
  CREATE ROLE app LOGIN PASSWORD '$app_password';
  CREATE TABLE app_data (x int); INSERT INTO app_data VALUES (1);
  GRANT SELECT ON app_data TO app;" >/dev/null || exit 1

# --- cofferd and the secrets --------------------------------------------------------------
start_cofferd "$1"
sm() { "$AWS" --endpoint-url "$COFFER_AWS_ENDPOINT" secretsmanager "$@"; }
rds_secret() {  # rds_secret USER PASSWORD [EXTRA JSON MEMBERS]
  printf '{"engine":"postgres","host":"127.0.0.1","port":%s,"username":"%s","password":"%s","dbname":"postgres"%s}' \
    "$pg_port" "$1" "$2" "${3:+,$3}"
}
member() {  # member ARN STAGE KEY: KEY of the secret's JSON at STAGE
  sm get-secret-value --secret-id "$1" --version-stage "$2" --query SecretString --output text |
    python3 -c "import json, sys; print(json.load(sys.stdin)['$3'])"
}
stages_of() {  # stages_of ARN VERSION
  sm describe-secret --secret-id "$1" --query "VersionIdsToStages.\"$2\"" --output text
}
# rotate ARN ROTATOR: starts a rotation, waits up to 30 s for AWSCURRENT to reach the new
# version; prints the version id. Fails (showing cofferd's log) when it never does.
rotate() {
  local arn=$1 rotator=$2 token
  token=$(sm rotate-secret --secret-id "$arn" --rotation-lambda-arn "$rotator" \
    --rotation-rules AutomaticallyAfterDays=1 --query VersionId --output text) || return 1
  local deadline=$((SECONDS + 30))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if grep -qw AWSCURRENT <<<"$(stages_of "$arn" "$token")"; then
      echo "$token"
      return 0
    fi
    sleep 0.5
  done
  echo "rotation with $rotator did not finish within 30 s; stages of $token: $(stages_of "$arn" "$token")" >&2
  tail -n 30 "$work/cofferd.log" >&2
  return 1
}

master_arn=$(sm create-secret --name rotation/master --secret-string "$(rds_secret master "$master_password")" \
  --query ARN --output text)
check "create-secret (master)" test -n "$master_arn"

# --- single user ----------------------------------------------------------------------------
solo_arn=$(sm create-secret --name rotation/solo --secret-string "$(rds_secret solo "$solo_password")" \
  --query ARN --output text)
check "create-secret (single user)" test -n "$solo_arn"
first_version=$(sm get-secret-value --secret-id "$solo_arn" --query VersionId --output text)
if solo_token=$(rotate "$solo_arn" coffer:rotator:postgresql-single-user); then
  check "single user: rotation finished" true
  new_solo_password=$(member "$solo_arn" AWSCURRENT password)
  check "single user: a new password" test -n "$new_solo_password" -a "$new_solo_password" != "$solo_password"
  check "single user: same user" test "$(member "$solo_arn" AWSCURRENT username)" = solo
  check "single user: the old version is AWSPREVIOUS" grep -qw AWSPREVIOUS <<<"$(stages_of "$solo_arn" "$first_version")"
  check "single user: the new password logs in" can_login solo "$new_solo_password"
  check "single user: the old password no longer logs in" cannot_login solo "$solo_password"
  check "single user: rotate-secret answered the new version" test -n "$solo_token"
else
  check "single user: rotation finished" false
fi

# --- alternating users --------------------------------------------------------------------
app_arn=$(sm create-secret --name rotation/app \
  --secret-string "$(rds_secret app "$app_password" "\"masterarn\":\"$master_arn\",\"ssl\":false")" \
  --query ARN --output text)
check "create-secret (alternating users)" test -n "$app_arn"
if rotate "$app_arn" coffer:rotator:postgresql-alternating-users >/dev/null; then
  check "alternating users: first rotation finished" true
  clone_password=$(member "$app_arn" AWSCURRENT password)
  check "alternating users: the secret now holds app_clone" test "$(member "$app_arn" AWSCURRENT username)" = app_clone
  check "alternating users: masterarn kept" test "$(member "$app_arn" AWSCURRENT masterarn)" = "$master_arn"
  check "alternating users: app_clone logs in with the new password" can_login app_clone "$clone_password"
  check "alternating users: app_clone has app's grants" reads_app_table app_clone "$clone_password"
  check "alternating users: app still logs in with its old password" can_login app "$app_password"

  if rotate "$app_arn" coffer:rotator:postgresql-alternating-users >/dev/null; then
    check "alternating users: second rotation finished" true
    new_app_password=$(member "$app_arn" AWSCURRENT password)
    check "alternating users: the secret is back to app" test "$(member "$app_arn" AWSCURRENT username)" = app
    check "alternating users: app has a new password" test -n "$new_app_password" -a "$new_app_password" != "$app_password"
    check "alternating users: app logs in with it" can_login app "$new_app_password"
    check "alternating users: app's old password no longer logs in" cannot_login app "$app_password"
    check "alternating users: app_clone (AWSPREVIOUS) still logs in" can_login app_clone "$clone_password"
    check "alternating users: AWSPREVIOUS holds app_clone" test "$(member "$app_arn" AWSPREVIOUS username)" = app_clone
  else
    check "alternating users: second rotation finished" false
  fi
else
  check "alternating users: first rotation finished" false
fi
finish
