#!/usr/bin/env bash
# The benchmark: builds, starts a fresh node on loopback, runs the HTTP load generator against
# it (committed, durable tx/s and submit-to-commit latency, next to this machine's Ed25519
# verification rate measured in the same run), then the same load against a local cluster
# (3 etcd members + 3 nodes, scripts/cluster.sh; PV_BENCH_CLUSTER=0 skips it), the
# micro-benchmarks of the primitives, the encrypted ingest of a 1 GiB file, and records and
# consent (below).
# Usage: bench/run.sh [transactions] [batch] [connections]    everything
#        bench/run.sh load [transactions] [batch] [connections]   only the node and cluster load
#        bench/run.sh consent                                  only records and consent (issue 5)
#        bench/run.sh ingest                                   only the 1 GiB encrypted ingest (issue 4)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh -DPV_BENCH=ON >/dev/null
export PV_NODE_PASSPHRASE="${PV_NODE_PASSPHRASE:-bench node key passphrase}"

# Records and consent on a fresh development network: record anchors/s, the consented-read route
# under load, the latency of one consented read end to end over HTTP (with and without the
# content), then, on the stopped node's data, access decisions/s in-process and the emergency
# (break-glass) read latency. Sizes: PV_BENCH_PATIENTS, PV_BENCH_RECORDS, PV_BENCH_READS.
consent_bench() {
  local dir port pid
  dir=$(mktemp -d /tmp/pv-consent-bench.XXXXXX)
  port=$((20000 + RANDOM % 20000))
  ./build/pv node start --data-dir "$dir/node" --listen "127.0.0.1:$port" >"$dir/node.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  echo "== Records and consent: ${PV_BENCH_PATIENTS:-2000} patients, ${PV_BENCH_RECORDS:-40000} records, one fresh node =="
  ./build/bench/pv_consent_http_bench --node "http://127.0.0.1:$port" \
    --patients "${PV_BENCH_PATIENTS:-2000}" --records "${PV_BENCH_RECORDS:-40000}" \
    --reads "${PV_BENCH_READS:-3000}" --latency-reads 500 --out "$dir/figures.json" ||
    { kill "$pid"; rm -rf "$dir"; return 1; }
  kill -TERM "$pid"
  wait "$pid" || true
  ./build/bench/pv_consent_decision_bench --data-dir "$dir/node" --questions "$dir/figures.json" \
    --reads 500 2>"$dir/decision.log" || { cat "$dir/decision.log"; rm -rf "$dir"; return 1; }
  rm -rf "$dir"
}
if [ "${1:-}" = consent ]; then
  consent_bench
  exit
fi

# The encrypted ingest of a 1 GiB random file into the node's blockstore, next to the limits
# measured in the same run, then the reference JS importer (ipfs-unixfs-importer, Kubo's
# --cid-version=1 settings) hashing the same file, blocks discarded.
ingest_bench() {
  local dir
  dir=$(mktemp -d /tmp/pv-ingest-bench.XXXXXX)
  echo "== Encrypted ingest of a 1 GiB file (read, encrypt, chunk, hash, store, sync), limits from the same run; load: $(cut -d' ' -f1-3 /proc/loadavg) =="
  head -c 1073741824 /dev/urandom >"$dir/ingest-1GiB.bin"
  ./build/bench/pv_blob_ingest_bench "$dir/ingest-1GiB.bin" "$dir/ingest-store" &&
    node tests/interop/unixfs_hash_bench.mjs "$dir/ingest-1GiB.bin" || { rm -rf "$dir"; return 1; }
  echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  rm -rf "$dir"
}
if [ "${1:-}" = ingest ]; then
  ingest_bench
  exit
fi

# CPU seconds (user + system) the processes $@ have used so far, from /proc/PID/stat. The CPU a
# run costs per committed transaction hardly depends on what else the machine is doing, so it
# gives the ceiling of this machine's cores even when other work slows the wall-clock figure.
cpu_seconds() {
  python3 - "$@" <<'PY'
import os, sys
tick = os.sysconf("SC_CLK_TCK")
total = 0
for pid in sys.argv[1:]:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    total += int(fields[11]) + int(fields[12])  # utime, stime
print(total / tick)
PY
}
# cpu_report LABEL TRANSACTIONS SECONDS_BEFORE SECONDS_AFTER
cpu_report() {
  python3 - "$@" "$(nproc)" <<'PY'
import sys
label, n, before, after, cores = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
us = (after - before) / n * 1e6
print(f"CPU per committed tx ({label})  {us:.0f} us -> at most {cores / us * 1e6:.0f} tx/s on this machine's {cores} cores")
PY
}

only_load=0
if [ "${1:-}" = load ]; then
  only_load=1
  shift
fi
n="${1:-200000}" batch="${2:-500}" conns="${3:-8}"
data=$(mktemp -d /tmp/pv-bench.XXXXXX)
port=$((20000 + RANDOM % 20000))
./build/pv node start --data-dir "$data/node" --listen "127.0.0.1:$port" >"$data/node.log" 2>&1 &
node_pid=$!
trap 'kill $node_pid 2>/dev/null; wait $node_pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
echo "== HTTP load: $n pre-signed anchors, batches of $batch, $conns connections, one fresh node =="
cpu_before=$(cpu_seconds "$node_pid")
./build/bench/pv_loadgen --node "http://127.0.0.1:$port" -n "$n" -b "$batch" -c "$conns"
cpu_report "the node" "$n" "$cpu_before" "$(cpu_seconds "$node_pid")"
kill $node_pid 2>/dev/null; wait $node_pid 2>/dev/null || true
if [ "${PV_BENCH_CLUSTER:-1}" != 0 ]; then
  echo
  echo "== Cluster: the same load on 3 nodes + 3 etcd members (scripts/cluster.sh), same machine =="
  base=$((20000 + RANDOM % 20000))
  export PV_CLUSTER_DIR="$data/cluster" PV_BIN="$PWD/build/pv"
  export PV_CLUSTER_PORTS="$base,$((base + 1)),$((base + 2)),$((base + 3)),$((base + 4)),$((base + 5)),$((base + 6)),$((base + 7)),$((base + 8))"
  trap 'scripts/cluster.sh clean >/dev/null 2>&1; rm -rf "$data"' EXIT
  scripts/cluster.sh start >/dev/null
  nodes="http://127.0.0.1:$((base + 6)),http://127.0.0.1:$((base + 7)),http://127.0.0.1:$((base + 8))"
  node_pids=$(python3 -c 'import json,sys; print(" ".join(map(str, json.load(open(sys.argv[1]))["nodePids"])))' "$PV_CLUSTER_DIR/cluster.json")
  etcd_pids=$(python3 -c 'import json,sys; print(" ".join(map(str, json.load(open(sys.argv[1]))["etcdPids"])))' "$PV_CLUSTER_DIR/cluster.json")
  # shellcheck disable=SC2086
  nodes_before=$(cpu_seconds $node_pids) etcd_before=$(cpu_seconds $etcd_pids)
  ./build/bench/pv_loadgen --node "$nodes" -n "$n" -b "$batch" -c "$conns" || true
  # shellcheck disable=SC2086
  nodes_after=$(cpu_seconds $node_pids) etcd_after=$(cpu_seconds $etcd_pids)
  cpu_report "3 nodes" "$n" "$nodes_before" "$nodes_after"
  cpu_report "3 etcd members" "$n" "$etcd_before" "$etcd_after"
  cpu_report "whole cluster" "$n" "$(python3 -c "print($nodes_before + $etcd_before)")" \
    "$(python3 -c "print($nodes_after + $etcd_after)")"
  scripts/cluster.sh clean >/dev/null
fi
if [ "$only_load" = 1 ]; then exit 0; fi
echo
echo "== Micro-benchmarks =="
./build/bench/pv_microbench --benchmark_min_time=0.5 2>/dev/null | grep -E "^(BM_|Benchmark|---)"
echo
ingest_bench
echo
consent_bench
