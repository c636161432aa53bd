#!/usr/bin/env bash
# The longer fuzz run: builds every fuzz target with clang + libFuzzer + ASan + UBSan in
# build-fuzz/ and runs each for the given number of seconds (default 300), one after another.
# Each target's corpus lives in build-fuzz/fuzz/long/<target>/: it starts from the committed
# seeds in fuzz/corpus/<target>/ and keeps growing across runs (the seeds are never modified).
# Crashes are saved in build-fuzz/fuzz/artifacts/.
# Usage: scripts/fuzz.sh [seconds] [target...]
set -euo pipefail

seconds="${1:-300}"
shift || true
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build-fuzz"

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DPV_FUZZ=ON -DPV_BENCH=OFF \
  -DPV_TESTS=ON >/dev/null

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for src in "$root"/fuzz/*_fuzz.cpp; do targets+=("$(basename "$src" .cpp)"); done
fi
ninja -C "$build" -j2 "${targets[@]}"

artifacts="$build/fuzz/artifacts"
mkdir -p "$artifacts"
status=0
for t in "${targets[@]}"; do
  corpus="$build/fuzz/long/$t"
  mkdir -p "$corpus"
  if [ -d "$root/fuzz/corpus/$t" ]; then cp -n "$root/fuzz/corpus/$t"/* "$corpus"/ 2>/dev/null || true; fi
  echo "== fuzzing $t for ${seconds}s (corpus $corpus)"
  if ! "$build/fuzz/$t" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="$artifacts/$t-" "$corpus"; then
    echo "!! $t found a failure; see $artifacts" >&2
    status=1
  fi
done
exit "$status"
