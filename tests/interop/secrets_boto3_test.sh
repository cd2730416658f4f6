#!/usr/bin/env bash
# boto3's client("secretsmanager") against Coffer. Usage: secrets_boto3_test.sh COFFERD
set -euo pipefail
. "$(dirname "$0")/cofferd_aws_env.sh"
PY=$(pick_python_with_boto3)
start_cofferd "$1"
"$PY" "$(dirname "$0")/secrets_boto3_test.py"
