#!/usr/bin/env bash
# boto3 against Coffer (two served regions). Usage: boto3_test.sh COFFERD
set -euo pipefail
. "$(dirname "$0")/cofferd_aws_env.sh"
PY=$(pick_python_with_boto3)
start_cofferd "$1" us-east-1,eu-central-1
COFFER_SECOND_REGION=eu-central-1 "$PY" "$(dirname "$0")/boto3_test.py"
