#!/usr/bin/env bash
# The AWS SDK for JavaScript v3's Secrets Manager client against Coffer. Installs the npm
# packages (package-lock.json) on first use. Usage: secrets_js_test.sh COFFERD
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/cofferd_aws_env.sh"
command -v node >/dev/null && command -v npm >/dev/null || {
  echo "node and npm are needed (scripts/install-deps.sh installs nodejs npm)" >&2
  exit 1
}
if [ ! -d "$here/js/node_modules/@aws-sdk/client-secrets-manager" ]; then
  (cd "$here/js" && npm ci --no-audit --no-fund)
fi
start_cofferd "$1"
node "$here/js/secrets_test.mjs"
