#!/usr/bin/env bash
# Installs every package the build, the tests and the benchmarks need (Debian 12). Idempotent:
# does nothing when everything is already installed.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  libssl-dev libsodium-dev librocksdb-dev nlohmann-json3-dev libcli11-dev libspdlog-dev
  libfmt-dev libcpp-httplib-dev libboost-dev zlib1g-dev wrk libgtest-dev libgmock-dev libbenchmark-dev curl python3 ccache
  etcd-server etcd-client libgfshare-dev
  libcrypto++-dev libsecp256k1-dev
  chromium
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

# Interop tests run independent implementations from npm under Node (tests/interop/): jose
# (docs/credentials.md), the IPFS UnixFS importer and @ipld/car (docs/content-store.md).
# Installs node and npm from apt if missing, then the pinned packages from
# tests/interop/package-lock.json when they are not installed yet or the lock changed.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "Installing: nodejs npm"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq nodejs npm
fi
interop_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/interop"
# Re-installs when the lock file changed since the last install (helpers add packages), not only
# when node_modules is missing: the stamp is a copy of the lock that was installed.
stamp="$interop_dir/node_modules/.pv-installed-lock.json"
if [ ! -d "$interop_dir/node_modules" ] || ! cmp -s "$interop_dir/package-lock.json" "$stamp"; then
  npm ci --prefix "$interop_dir" --no-audit --no-fund
  cp "$interop_dir/package-lock.json" "$stamp"
fi
# The Solidity compiler (solc-js, pinned by contracts/package-lock.json) that the build runs to
# compile the consent contract (docs/evm.md). Same pattern: reinstalled when the lock changed.
contracts_dir="$(cd "$(dirname "$0")/.." && pwd)/contracts"
stamp="$contracts_dir/node_modules/.pv-installed-lock.json"
if [ ! -d "$contracts_dir/node_modules" ] || ! cmp -s "$contracts_dir/package-lock.json" "$stamp"; then
  npm ci --prefix "$contracts_dir" --no-audit --no-fund
  cp "$contracts_dir/package-lock.json" "$stamp"
fi
# js-ipfs (the remote-blockstore test's IPFS daemon) is its own project: its older dependency
# tree stays apart from the tools above. Install scripts are skipped: they only fetch optional
# native binaries it does not need (its LevelDB binding ships prebuilt).
jsipfs_dir="$interop_dir/js-ipfs"
stamp="$jsipfs_dir/node_modules/.pv-installed-lock.json"
if [ ! -d "$jsipfs_dir/node_modules" ] || ! cmp -s "$jsipfs_dir/package-lock.json" "$stamp"; then
  nice npm ci --prefix "$jsipfs_dir" --no-audit --no-fund --ignore-scripts
  cp "$jsipfs_dir/package-lock.json" "$stamp"
fi
# The WebAuthn recorder (tests/webauthn/recorder/): puppeteer-core drives Debian's chromium to
# record the fixture in tests/data/webauthn. Only re-recording needs it; same pattern.
recorder_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/webauthn/recorder"
stamp="$recorder_dir/node_modules/.pv-installed-lock.json"
if [ ! -d "$recorder_dir/node_modules" ] || ! cmp -s "$recorder_dir/package-lock.json" "$stamp"; then
  npm ci --prefix "$recorder_dir" --no-audit --no-fund
  cp "$recorder_dir/package-lock.json" "$stamp"
fi
