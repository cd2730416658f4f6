#!/usr/bin/env bash
# Creates, on first run, the SoftHSM2 token and PIN files Coffer uses under a state
# directory (default ./var). Later runs leave them alone.
set -euo pipefail
state=${1:-var}
mkdir -p "$state/tokens"
state=$(cd "$state" && pwd)
umask 077
if [ ! -f "$state/softhsm2.conf" ]; then
  cat > "$state/softhsm2.conf" <<CONF
# SoftHSM2 configuration for this Coffer instance (see softhsm2.conf(5)).
directories.tokendir = $state/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
CONF
fi
if [ ! -f "$state/user.pin" ]; then
  head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$state/user.pin"
  head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$state/so.pin"
fi
chmod 600 "$state/user.pin" "$state/so.pin"
export SOFTHSM2_CONF="$state/softhsm2.conf"
if ! softhsm2-util --show-slots 2>/dev/null | grep -q "Label:.*coffer *$"; then
  softhsm2-util --init-token --free --label coffer \
    --pin "$(cat "$state/user.pin")" --so-pin "$(cat "$state/so.pin")" >/dev/null
  echo "Created SoftHSM2 token 'coffer' in $state/tokens (PIN in $state/user.pin, mode 0600)"
fi
