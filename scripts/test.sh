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
# The benchmarks are built too: ConsentBenchE2e runs them at a tiny size (no timing asserted), and
# bench/run.sh uses the same build directory and options.
args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DPV_BENCH=ON)
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-asan
  # Optimized with debug info, like the plain build (the sanitizers need no -O0 and the e2e and
  # crash tests run the instrumented binary many times); PV_SANITIZE keeps assert() on.
  args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DPV_BENCH=OFF -DPV_SANITIZE=ON)
  # Every instrumented binary stops at its first report with SIGABRT (default options compiled in,
  # src/sanitizer_hooks.cpp) and appends the report's SUMMARY line to $PV_SANITIZER_REPORTS, so a
  # report from a child process no test looked at (a node an e2e test killed afterwards) still
  # fails the run below.
  export PV_SANITIZER_REPORTS="$PWD/$dir/sanitizer-reports"
  rm -rf "$PV_SANITIZER_REPORTS"
  mkdir -p "$PV_SANITIZER_REPORTS"
fi
cmake -S . -B "$dir" -G Ninja "${args[@]}" >/dev/null
ninja -C "$dir" -j"$(nproc)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
ctest --test-dir "$dir" --output-on-failure -j2 --timeout 900 | tee "$log" || status=$?
if [ -n "${PV_SANITIZER_REPORTS:-}" ] && [ -n "$(ls -A "$PV_SANITIZER_REPORTS")" ]; then
  echo "SANITIZER REPORTS (full reports are on each process's stderr, above or in the test's log):"
  cat "$PV_SANITIZER_REPORTS"/*
  echo "sanitizer run FAILED: $(ls "$PV_SANITIZER_REPORTS" | wc -l) process(es) reported, see $PV_SANITIZER_REPORTS"
  exit 1
fi
((status == 0)) || exit "$status"

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
