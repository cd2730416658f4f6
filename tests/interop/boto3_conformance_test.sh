#!/usr/bin/env bash
# Issue 22's tables, cell by cell, with boto3. Usage: boto3_conformance_test.sh COFFERD
set -euo pipefail
. "$(dirname "$0")/cofferd_aws_env.sh"
PY=$(pick_python_with_boto3)
start_cofferd "$1"
"$PY" "$(dirname "$0")/boto3_conformance_test.py"
