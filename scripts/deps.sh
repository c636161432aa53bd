#!/usr/bin/env bash
# Installs every package the build, the tests and the benchmarks need (Debian 12). Idempotent:
# does nothing when everything is already installed.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  libssl-dev libsodium-dev librocksdb-dev nlohmann-json3-dev libcli11-dev libspdlog-dev
  libfmt-dev libcpp-httplib-dev libgtest-dev libgmock-dev libbenchmark-dev curl python3 ccache
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "Installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi

# Interop tests run jose (npm), an independent JOSE implementation, under Node
# (tests/interop/; see docs/credentials.md). Installs node and npm from apt if missing, then the
# pinned packages from tests/interop/package-lock.json when they are not installed yet.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "Installing: nodejs npm"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq nodejs npm
fi
interop_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/interop"
if [ ! -d "$interop_dir/node_modules" ]; then
  npm ci --prefix "$interop_dir" --no-audit --no-fund
fi
