#!/usr/bin/env bash
# Builds and runs every test: unit tests, end-to-end tests with real processes (including the
# kill -9 crash tests), and a short libFuzzer run of every decoder.
# Usage: scripts/test.sh            the full suite (what CI runs)
#        scripts/test.sh --sanitize the same suite built with ASan + UBSan (in build-asan/)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/check-levels.sh

dir=build
args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DPV_BENCH=OFF)
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-asan
  # Optimized with debug info, like the plain build (the sanitizers need no -O0 and the e2e and
  # crash tests run the instrumented binary many times); PV_SANITIZE keeps assert() on.
  args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DPV_BENCH=OFF -DPV_SANITIZE=ON)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
cmake -S . -B "$dir" -G Ninja "${args[@]}" >/dev/null
ninja -C "$dir" -j"$(nproc)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
ctest --test-dir "$dir" --output-on-failure -j2 --timeout 900 | tee "$log"

# libFuzzer needs clang: the decoders get their own short fuzzing run.
if [ "${1:-}" != "--sanitize" ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPV_FUZZ=ON -DPV_BENCH=OFF -DPV_FUZZ_SECONDS="${PV_FUZZ_SECONDS:-15}" >/dev/null
  ninja -C build-fuzz -j"$(nproc)" pv_fuzz_targets
  ctest --test-dir build-fuzz --output-on-failure -R '^fuzz\.' | tee -a "$log"
fi

# One closing line for the whole run (each ctest above exits non-zero on any failure).
passed=0
while read -r n; do passed=$((passed + n)); done < <(grep -oE 'tests passed, 0 tests failed out of [0-9]+' "$log" | grep -oE '[0-9]+$')
echo "test run: ${passed} passed, 0 failed"
