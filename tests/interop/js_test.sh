#!/usr/bin/env bash
# The AWS SDK for JavaScript v3 and the AWS Encryption SDK for JavaScript against Coffer.
# Installs the npm packages (package-lock.json) on first use. Usage: js_test.sh COFFERD
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/cofferd_aws_env.sh"
command -v node >/dev/null && command -v npm >/dev/null || {
  echo "node and npm are needed (scripts/install-deps.sh installs nodejs npm)" >&2
  exit 1
}
if [ ! -d "$here/js/node_modules/@aws-crypto/client-node" ] || [ ! -d "$here/js/node_modules/@aws-sdk/client-kms" ]; then
  (cd "$here/js" && npm ci --no-audit --no-fund)
fi
start_cofferd "$1"
node "$here/js/interop.js"
