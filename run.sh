#!/usr/bin/env bash
# Quick start, step one: install what is missing, build, make the token on first run, and
# run Coffer's main job.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
scripts/build.sh release
scripts/init-token.sh var
export SOFTHSM2_CONF="$PWD/var/softhsm2.conf"
exec build/release/tools/coffer-selfcheck/coffer-selfcheck \
  --module /usr/lib/softhsm/libsofthsm2.so \
  --token-uri "pkcs11:token=coffer" \
  --pin-file var/user.pin "$@"
