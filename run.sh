#!/usr/bin/env bash
# Quick start, step one: install what is missing, build, and run the Coffer service on
# loopback in the foreground. On first run cofferd makes a SoftHSM2 token, a metadata store
# and an administrator credential under ./var; this script adds development TLS
# certificates. Ctrl-C (SIGINT) or SIGTERM stops it after in-flight requests finish.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
scripts/build.sh release
scripts/make-dev-tls.sh var
port=${COFFER_PORT:-7443}
cat <<HELP

Coffer is starting on 127.0.0.1:$port (TLS 1.3, state in ./var). In another shell:

  export COFFER_ENDPOINT=127.0.0.1:$port
  export COFFER_CA_FILE=$PWD/var/tls/ca.pem
  export COFFER_API_KEY_FILE=$PWD/var/admin.credentials
  export PATH=$PWD/build/release/tools/coffer:\$PATH

  coffer create-key --description "my first key"
  coffer create-alias --alias-name alias/demo --target-key-id <KeyId from above>
  echo -n 'hello' | coffer encrypt --key-id alias/demo --in - --out hello.enc
  coffer decrypt --in hello.enc --out -

AWS KMS API (SigV4) on http://127.0.0.1:4599 ("COFFER_AWS_LISTEN=" disables it):

  read AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY < <(build/release/tools/cofferd/cofferd --state-dir var access-key create --principal me)
  export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_DEFAULT_REGION=us-east-1
  aws --endpoint-url http://127.0.0.1:4599 kms list-keys

Metrics: http://127.0.0.1:9464/metrics   Readiness: http://127.0.0.1:9464/ready

HELP
exec build/release/tools/cofferd/cofferd \
  --state-dir var \
  --listen "127.0.0.1:$port" \
  --tls-cert var/tls/server.pem --tls-key var/tls/server.key \
  --scheduler-interval-ms 60000 \
  --aws-listen "${COFFER_AWS_LISTEN-127.0.0.1:4599}" "$@"
