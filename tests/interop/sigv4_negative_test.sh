#!/usr/bin/env bash
# SigV4 negative cases over the wire. Usage: sigv4_negative_test.sh COFFERD
set -euo pipefail
. "$(dirname "$0")/cofferd_aws_env.sh"
PY=$(pick_python_with_boto3)
start_cofferd "$1"
"$PY" "$(dirname "$0")/sigv4_negative_test.py"
