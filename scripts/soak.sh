#!/usr/bin/env bash
# Crash soak: kill -9 the node under load many times (default 200) and check that nothing
# acknowledged is lost and `pv verify` passes. Usage: scripts/soak.sh [cycles]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh -DPV_BENCH=OFF
PV_CRASH_CYCLES="${1:-200}" PV_BIN="$PWD/build/pv" ./build/pv_e2e_tests --gtest_filter='Crash.*'
