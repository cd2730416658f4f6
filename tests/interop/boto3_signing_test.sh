#!/usr/bin/env bash
# boto3 against Coffer: asymmetric and HMAC keys (issue 6), checked locally with the
# `cryptography` package. Usage: boto3_signing_test.sh COFFERD
set -euo pipefail
. "$(dirname "$0")/cofferd_aws_env.sh"
PY=$(pick_python_with_boto3)
"$PY" -c 'import cryptography' 2>/dev/null || { echo "$PY has no cryptography package" >&2; exit 1; }
start_cofferd "$1"
"$PY" "$(dirname "$0")/boto3_signing_test.py"
