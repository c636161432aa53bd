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
#        bench/run.sh http                                     only the HTTP front, with and without
#                                                              abuse, next to the previous server
#        bench/run.sh zk [runs]                                only the zero-knowledge proofs (issue 14)
#        bench/run.sh evm                                      only the EVM: Mgas/s, and consent
#                                                              decisions through the ledger's consent
#                                                              contract and natively (issue 15)
#        bench/run.sh audit [transactions]                     only the auditor: re-verification from
#                                                              genesis, add-checkpoint, lag behind a
#                                                              cluster under load (issue 16)
#        bench/run.sh erasure [records]                        only erasure: the forced state compaction
#                                                              on a node of 100,000 records, and erase
#                                                              to the last receipt on a cluster (issue 17)
set -euo pipefail
cd "$(dirname "$0")/.."
# Zero-knowledge proofs: sizes, prove and verify times on one core next to one P-256 scalar
# multiplication and a multi-scalar multiplication of each verifier's size, same run. Builds only
# its own target (pv_zk and below).
if [ "${1:-}" = zk ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPV_BENCH=ON >/dev/null
  ninja -C build pv_zk_bench >/dev/null
  exec ./build/bench/pv_zk_bench "${2:-25}"
fi
# EVM throughput on the standard arithmetic and arithmetic/storage loops (bench/evm_bench.cpp);
# builds only what it needs. Iterations and runs: PV_BENCH_EVM_ITERATIONS, PV_BENCH_EVM_RUNS.
# Then consent decisions through the EVM and natively: PV_BENCH_PATIENTS, PV_BENCH_EVM_SECONDS.
if [ "${1:-}" = evm ]; then
  scripts/deps.sh >/dev/null
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPV_BENCH=ON >/dev/null
  ninja -C build pv_evm_bench >/dev/null
  echo "== EVM: Mgas/s in one call frame; load: $(cut -d' ' -f1-3 /proc/loadavg) =="
  ./build/bench/pv_evm_bench --iterations "${PV_BENCH_EVM_ITERATIONS:-2000000}" \
    --runs "${PV_BENCH_EVM_RUNS:-5}"
  echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  # Consent decisions through the ledger's consent contract (contracts/ConsentRules.sol, deployed
  # in genesis, the path a node takes) next to the native rules, same state and questions
  # (bench/evm_decision_bench.cpp).
  ninja -C build pv_evm_decision_bench >/dev/null
  echo "== Consent decisions, EVM (ConsentRules) and native, one thread; load: $(cut -d' ' -f1-3 /proc/loadavg) =="
  ./build/bench/pv_evm_decision_bench --patients "${PV_BENCH_PATIENTS:-300}" \
    --seconds "${PV_BENCH_EVM_SECONDS:-2}"
  echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit
fi
scripts/build.sh -DPV_BENCH=ON >/dev/null
# The auditor (bench/audit_bench.py): Ed25519 on both cores from pv_loadgen in the same run.
if [ "${1:-}" = audit ]; then
  exec python3 bench/audit_bench.py --transactions "${2:-200000}" \
    --cluster-transactions "${PV_BENCH_CLUSTER_TRANSACTIONS:-100000}"
fi
export PV_NODE_PASSPHRASE="${PV_NODE_PASSPHRASE:-bench node key passphrase}"

# Records and consent on a fresh development network: record anchors/s, the consented-read route
# under load, the latency of one consented read end to end over HTTP (with and without the
# content), then, on the stopped node's data, access decisions/s in-process and the emergency
# (break-glass) read latency. Sizes: PV_BENCH_PATIENTS, PV_BENCH_RECORDS, PV_BENCH_READS.
# A fresh development node in "$1/node" on a random loopback port, answering /healthz: sets
# `port` and `pid` (the caller declares them local).
start_fresh_node() {
  port=$((20000 + RANDOM % 20000))
  ./build/pv node start --data-dir "$1/node" --listen "127.0.0.1:$port" >"$1/node.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
}

consent_bench() {
  local dir port pid
  dir=$(mktemp -d /tmp/pv-consent-bench.XXXXXX)
  start_fresh_node "$dir"
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

# Erasure (issue 17): a fresh node filled with records (pv_consent_http_bench's first phases:
# record anchors with keys really sealed, consents), stopped; the state compaction an erasure
# forces, timed on its data directory next to a sequential write of the same bytes; then erasures
# on a 3-node cluster, from `pv record erase` to the last node's receipt (bench/erasure_bench.py).
erasure_bench() {
  local dir port pid records
  records="${1:-100000}"
  dir=$(mktemp -d /tmp/pv-erasure-bench.XXXXXX)
  start_fresh_node "$dir"
  echo "== Erasure: the forced state compaction on a node of $records records; load: $(cut -d' ' -f1-3 /proc/loadavg) =="
  ./build/bench/pv_consent_http_bench --node "http://127.0.0.1:$port" \
    --patients $((records / 20)) --records "$records" --reads 100 --latency-reads 10 \
    --out "$dir/figures.json" >"$dir/fill.txt" || { cat "$dir/fill.txt"; kill "$pid"; rm -rf "$dir"; return 1; }
  kill -TERM "$pid"
  wait "$pid" || true
  ./build/bench/pv_erasure_compaction_bench --data-dir "$dir/node" --runs 3 || { rm -rf "$dir"; return 1; }
  rm -rf "$dir"
  python3 bench/erasure_bench.py --records "${PV_BENCH_ERASURES:-10}" --mib 4
}
if [ "${1:-}" = erasure ]; then
  erasure_bench "${2:-100000}"
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

# The HTTP front (docs/http-front.md): requests/s and latency for GET /healthz, GET /v1/tx/{id}
# and GET /v1/checkpoint at 1, 64 and 1,024 connections (wrk, 2 threads, 5 s each), then the
# same while 10,000 idle keep-alive and 200 slowloris connections are held open
# (pv_http_abuse), and consented reads/s with and without that abuse. The previous server (the
# cpp-httplib front of commit PV_HTTP_PREVIOUS, built once into build-prev/) runs the same matrix
# in the same run. PV_HTTP_SECONDS, PV_HTTP_IDLE, PV_HTTP_SLOWLORIS change the sizes;
# PV_HTTP_SERVERS=current runs only the current server.
http_bench() {
  local prev="${PV_HTTP_PREVIOUS:-e19b686}" secs="${PV_HTTP_SECONDS:-5}"
  local idle="${PV_HTTP_IDLE:-10000}" slow="${PV_HTTP_SLOWLORIS:-200}"
  if [ ! -x build-prev/pv ]; then
    echo "building the previous server ($prev) into build-prev/ (once)"
    local src
    src=$(mktemp -d /tmp/pv-prev-src.XXXXXX)
    git worktree add --detach "$src" "$prev" >/dev/null
    cmake -S "$src" -B build-prev -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPV_TESTS=OFF \
      -DPV_BENCH=OFF >/dev/null
    ninja -C build-prev pv >/dev/null
    git worktree remove --force "$src"
  fi
  ulimit -n "$(ulimit -Hn)"
  for server in ${PV_HTTP_SERVERS:-current previous}; do
    local bin=./build/pv dir port pid txid abuse
    [ "$server" = previous ] && bin=./build-prev/pv
    dir=$(mktemp -d /tmp/pv-http-bench.XXXXXX)
    port=$((20000 + RANDOM % 20000))
    "$bin" node start --data-dir "$dir/node" --listen "127.0.0.1:$port" >"$dir/node.log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
    # A committed transaction to read back: the consent benchmark's setup writes plenty.
    ./build/bench/pv_consent_http_bench --node "http://127.0.0.1:$port" --patients 100 \
      --records 1000 --reads 2000 --latency-reads 100 --out "$dir/clean.json" >"$dir/clean.txt" ||
      { cat "$dir/clean.txt"; kill "$pid"; return 1; }
    txid=$(curl -sf "http://127.0.0.1:$port/v1/blocks/1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["txs"][0]["id"])')
    echo "== HTTP front: $server server ($bin), load $(cut -d' ' -f1-3 /proc/loadavg) =="
    wrk_matrix "$port" "$txid" "$secs" "no abuse"
    ./build/bench/pv_http_abuse --port "$port" --idle "$idle" --slowloris "$slow" \
      --ready-file "$dir/abuse.ready" >"$dir/abuse.json" 2>"$dir/abuse.log" &
    abuse=$!
    for _ in $(seq 600); do [ -f "$dir/abuse.ready" ] && break; sleep 0.1; done
    sleep 2
    cat "$dir/abuse.log"
    wrk_matrix "$port" "$txid" "$secs" "under abuse"
    ./build/bench/pv_consent_http_bench --node "http://127.0.0.1:$port" --patients 100 \
      --records 1000 --reads 2000 --latency-reads 100 --out "$dir/abuse-consent.json" \
      >"$dir/abused.txt" 2>&1 || true
    kill -TERM "$abuse"
    wait "$abuse" || true
    echo "abuse held: $(cat "$dir/abuse.json")"
    echo "consented reads, no abuse:    $(grep -m1 'consented-read route' "$dir/clean.txt" || tail -1 "$dir/clean.txt")"
    echo "consented reads, under abuse: $(grep -m1 'consented-read route' "$dir/abused.txt" || tail -1 "$dir/abused.txt")"
    echo "node RSS at the end: $(grep VmRSS /proc/$pid/status | awk '{print $2, $3}')"
    kill -TERM "$pid"
    wait "$pid" || true
    rm -rf "$dir"
  done
}

# wrk_matrix PORT TXID SECONDS LABEL: one line per route and connection count.
wrk_matrix() {
  local port=$1 txid=$2 secs=$3 label=$4 path conns out
  for path in /healthz "/v1/tx/$2" /v1/checkpoint; do
    for conns in 1 64 1024; do
      out=$(wrk -t"$((conns < 2 ? 1 : 2))" -c"$conns" -d"${secs}s" --timeout 5s --latency \
        "http://127.0.0.1:$port$path" 2>&1)
      printf '%-12s %-22s %5s conns: %10s req/s  p50 %9s  p99 %9s  errors: %s\n' "$label" \
        "${path:0:22}" "$conns" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
        "$(awk '$1=="50%" {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")" \
        "$(grep -E 'Socket errors|Non-2xx' <<<"$out" | tr '\n' ' ' | sed 's/  */ /g')"
    done
  done
}
if [ "${1:-}" = http ]; then
  http_bench
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
