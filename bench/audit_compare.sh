#!/usr/bin/env bash
# Issue 16 benchmark: Encrypt through a real cofferd with the audit trail on against the same
# with it off (--audit false), measured in alternation by bench/config_compare.sh.
# Target (issue 16): audited Encrypt >= 85% of unaudited.
#   bench/audit_compare.sh [SECONDS (default 4)] [ROUNDS (default 9)]
#   COFFER_BENCH_BUILD=DIR bench/audit_compare.sh   measures DIR's binaries (an earlier
#                                                   release's build), building nothing
set -euo pipefail
exec "$(dirname "$0")/config_compare.sh" "audit off" "--audit false" "audit on" "--audit true" \
  "${1:-4}" "${2:-9}"
