#!/usr/bin/env bash
# Issue 21 benchmark: the cost of request quotas on the hot path. Encrypt through a real
# cofferd with every kind of quota checked (AWS's table, a per-principal and a per-key limit,
# all far above what the run can reach, so nothing is throttled) against the same without a
# quotas file, measured in alternation by bench/config_compare.sh.
# Target (issue 21): the quota check costs <= 2% of Encrypt throughput (ratio >= 98%).
#   bench/quota_compare.sh [SECONDS (default 4)] [ROUNDS (default 9)]
set -euo pipefail
quotas=$(mktemp)
trap 'rm -f "$quotas"' EXIT
cat >"$quotas" <<'Q'
defaults = aws
kms.cryptographic.symmetric = 1000000000
kms.CreateKey = 1000
principal.default = 1000000000
key.default = 1000000000
Q
"$(dirname "$0")/config_compare.sh" "no quotas" "" "quotas checked" "--quotas-file $quotas" \
  "${1:-4}" "${2:-9}"
