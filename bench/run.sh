#!/usr/bin/env bash
# The benchmark: builds, starts a fresh node on loopback, runs the HTTP load generator against
# it (committed, durable tx/s and submit-to-commit latency, next to this machine's Ed25519
# verification rate measured in the same run), then the micro-benchmarks of the primitives.
# Usage: bench/run.sh [transactions] [batch] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh -DPV_BENCH=ON >/dev/null
n="${1:-200000}" batch="${2:-500}" conns="${3:-8}"
data=$(mktemp -d /tmp/pv-bench.XXXXXX)
port=$((20000 + RANDOM % 20000))
PV_NODE_PASSPHRASE="${PV_NODE_PASSPHRASE:-bench node key passphrase}" ./build/pv node start --data-dir "$data/node" --listen "127.0.0.1:$port" >"$data/node.log" 2>&1 &
node_pid=$!
trap 'kill $node_pid 2>/dev/null; wait $node_pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
echo "== HTTP load: $n pre-signed anchors, batches of $batch, $conns connections, one fresh node =="
./build/bench/pv_loadgen --node "http://127.0.0.1:$port" -n "$n" -b "$batch" -c "$conns"
echo
echo "== Micro-benchmarks =="
./build/bench/pv_microbench --benchmark_min_time=0.5 2>/dev/null | grep -E "^(BM_|Benchmark|---)"
echo
echo "== Encrypted ingest of a 1 GiB file (read, encrypt, chunk, hash, store), limits from the same run =="
big="$data/ingest-1GiB.bin"
head -c 1073741824 /dev/urandom >"$big"
./build/bench/pv_blob_ingest_bench "$big" "$data/ingest-store"
# The reference JS importer (ipfs-unixfs-importer, Kubo's --cid-version=1 settings) hashing the
# same file, blocks discarded.
node tests/interop/unixfs_hash_bench.mjs "$big"
rm -f "$big"
