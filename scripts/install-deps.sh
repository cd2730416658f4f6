#!/usr/bin/env bash
# Installs the Debian 12 packages Coffer needs to build, run and test. Idempotent: with
# everything present it only checks. As non-root it prints the one command to run.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ccache git
  libssl-dev openssl
  p11-kit libp11-kit-dev softhsm2
  libboost1.81-dev libprotobuf-dev protobuf-compiler
  libsqlite3-dev sqlite3
  libpq-dev postgresql
  libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev libcli11-dev
  clang libclang-rt-14-dev clang-format
  python3
  awscli python3-boto3 wrk jq
)
# Node.js and npm for the JavaScript SDK tests: machines that already have them (often from
# another source, whose nodejs conflicts with Debian's npm) keep theirs.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Coffer needs these Debian packages. Run as root:" >&2
  echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
