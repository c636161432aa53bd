#!/usr/bin/env bash
# A local PatientVault cluster on loopback: 3 etcd members and 3 nodes of 3 organizations,
# sharing one genesis. Everything lives under one directory (default ./pv-cluster).
#
#   scripts/cluster.sh start     # creates keys and genesis on first use, starts what is not running
#   scripts/cluster.sh start --tls  # first start only: a throwaway CA and certificates (openssl),
#                                   # every connection (client, node-to-node, etcd) over https
#   scripts/cluster.sh status    # processes, health and heights
#   scripts/cluster.sh stop      # SIGTERM to the nodes, then to etcd (data is kept)
#   scripts/cluster.sh clean     # stop, then delete the directory
#
# Environment:
#   PV_CLUSTER_DIR    where data, logs, pid files and cluster.json go (default ./pv-cluster)
#   PV_CLUSTER_PORTS  9 ports: etcd client x3, etcd peer x3, node API x3
#                     (default 2379,22379,32379,2380,22380,32380,7601,7602,7603)
#   PV_BIN            the pv binary (default build/pv, else pv on PATH)
#   PV_NODE_ARGS      extra arguments for every `pv node start`
#   PV_ETCD_ARGS      extra arguments for every etcd member (e.g. --quota-backend-bytes=...)
#   PV_NODE_PASSPHRASE  passphrase of the nodes' encrypted keys (default: a fixed local-only one)
# See docs/cluster.md.
set -euo pipefail
# A local test cluster: a known passphrase and the cheap Argon2id cost unless told otherwise.
export PV_NODE_PASSPHRASE="${PV_NODE_PASSPHRASE:-pv local cluster node key passphrase}"
export PV_WALLET_KDF="${PV_WALLET_KDF:-interactive}"

usage() {
  sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
}

cmd="${1:-}"
want_tls=0
if [ "${2:-}" = "--tls" ] && [ "$cmd" = start ]; then
  want_tls=1
elif [ -n "${2:-}" ]; then
  usage >&2; echo >&2; echo "error: unknown option ${2}; only 'start --tls' takes one" >&2; exit 2
fi
case "$cmd" in
  start | stop | status | clean) ;;
  -h | --help | help) usage; exit 0 ;;
  *) usage >&2; echo >&2; echo "error: say start, stop, status or clean" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${PV_CLUSTER_DIR:-$PWD/pv-cluster}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
IFS=, read -r -a ports <<<"${PV_CLUSTER_PORTS:-2379,22379,32379,2380,22380,32380,7601,7602,7603}"
if ((${#ports[@]} != 9)); then
  echo "error: PV_CLUSTER_PORTS needs 9 comma-separated ports" >&2
  exit 2
fi
pv="${PV_BIN:-}"
if [ -z "$pv" ]; then
  if [ -x "$root/build/pv" ]; then pv="$root/build/pv"; else pv="$(command -v pv || true)"; fi
fi

# TLS mode is chosen on first start (start --tls) and kept: it is on while $dir/tls/ca.pem exists.
tls_dir="$dir/tls"
if ((want_tls)) && [ ! -f "$tls_dir/ca.pem" ] && [ -f "$dir/genesis.json" ]; then
  echo "error: the cluster in $dir was created without TLS; 'clean' it first to start over with --tls" >&2
  exit 2
fi
tls_on() { ((want_tls)) || [ -f "$tls_dir/ca.pem" ]; }
scheme() { if tls_on; then echo https; else echo http; fi; }
etcd_client() { echo "$(scheme)://127.0.0.1:${ports[$(($1 - 1))]}"; }
etcd_peer() { echo "$(scheme)://127.0.0.1:${ports[$(($1 + 2))]}"; }
node_port() { echo "${ports[$(($1 + 5))]}"; }
node_url() { echo "$(scheme)://127.0.0.1:$(node_port "$1")"; }
# etcd members require a client certificate (--client-cert-auth): curl shows node 1's.
curl_ca() { if tls_on; then echo "--cacert $tls_dir/ca.pem --cert $tls_dir/node1.pem --key $tls_dir/node1.key"; fi; }

# A throwaway CA (ECDSA P-256, 30 days) and one certificate per etcd member and node for
# 127.0.0.1 and localhost, usable as server and client certificate. Local clusters only.
make_tls() {
  [ -f "$tls_dir/ca.pem" ] && return 0
  command -v openssl >/dev/null || { echo "error: --tls needs the openssl command" >&2; exit 1; }
  mkdir -p "$tls_dir"
  chmod 700 "$tls_dir"
  local ext="$tls_dir/leaf.ext"
  printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=digitalSignature,keyEncipherment" \
    "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" >"$ext"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
    -subj "/CN=PatientVault local cluster CA" -keyout "$tls_dir/ca.key" -out "$tls_dir/ca.pem" 2>/dev/null
  for name in etcd1 etcd2 etcd3 node1 node2 node3; do
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$name" \
      -keyout "$tls_dir/$name.key" -out "$tls_dir/$name.csr" 2>/dev/null
    openssl x509 -req -in "$tls_dir/$name.csr" -CA "$tls_dir/ca.pem" -CAkey "$tls_dir/ca.key" \
      -CAcreateserial -days 30 -extfile "$ext" -out "$tls_dir/$name.pem" 2>/dev/null
    rm -f "$tls_dir/$name.csr"
  done
  rm -f "$ext" "$tls_dir/ca.srl"
  echo "wrote a throwaway CA and certificates in $tls_dir (clients: --cacert / PV_NODE_CA=$tls_dir/ca.pem)"
}

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_http() {  # URL PATTERN SECONDS [PIDFILE] (any HTTP status: the body must match PATTERN)
  local deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    # shellcheck disable=SC2046
    if curl -sS --max-time 3 $(curl_ca) "$1" 2>/dev/null | grep -q "$2"; then return 0; fi
    # A process that already exited will not answer: stop waiting for it.
    if [ -n "${4:-}" ] && ! running "$4"; then return 1; fi
    sleep 0.2
  done
  return 1
}

stop_pid() {  # PIDFILE NAME
  running "$1" || { rm -f "$1"; return 0; }
  local pid
  pid="$(cat "$1")"
  kill -CONT "$pid" 2>/dev/null || true  # a frozen process cannot handle SIGTERM
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "$2 did not stop in 10 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

# Creates an encrypted node key (node-key.pvid) the way `pv node start` does, by starting a
# throwaway single-node network in a scratch directory; moves the key to $dir/node$1 (or to
# $dir/keys for an organization key) and prints its did:key.
make_node_key() {
  local scratch="$dir/init-$1" port target
  # A free port below the kernel's ephemeral range (32768 and up by default), where no outgoing
  # connection can take it before the node listens.
  port="$(python3 -c '
import random, socket
for _ in range(100):
    p, s = random.randint(10000, 32767), socket.socket()
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
    finally:
        s.close()')"
  "$pv" node start --data-dir "$scratch" --listen "127.0.0.1:$port" >"$dir/init-$1.log" 2>&1 &
  local pid=$!
  want_tls=0 tls_dir=/nonexistent wait_http "http://127.0.0.1:$port/healthz" "^ok" 30 || { echo "error: could not create a node key; see $dir/init-$1.log" >&2; exit 1; }
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  case "$1" in org*) target="$dir/keys/$1.pvid" ;; *) target="$dir/node$1/node-key.pvid" ;; esac
  mv "$scratch/node-key.pvid" "$target"
  rm -rf "$scratch" "$dir/init-$1.log"
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["identity"]["did"])' "$target"
}

make_genesis() {
  [ -f "$dir/genesis.json" ] && return 0
  [ -x "$pv" ] || { echo "error: no pv binary (build it, or set PV_BIN)" >&2; exit 1; }
  mkdir -p "$dir/keys"
  local orgs=() names=("St Mary's Hospital" "Riverside Clinic" "Northgate Laboratory")
  local roles=(provider provider provider)
  for i in 1 2 3; do
    mkdir -p "$dir/node$i"
    chmod 700 "$dir/node$i"
    local node_did org_did
    node_did="$(make_node_key "$i")"
    org_did="$(make_node_key "org$i")"  # a did:key for the organization itself
    orgs+=("{\"did\": \"$org_did\", \"name\": \"${names[$((i - 1))]}\", \"role\": \"${roles[$((i - 1))]}\", \"nodeKeys\": [\"$node_did\"]}")
  done
  local now_ms
  now_ms="$(($(date +%s) * 1000))"
  {
    echo "{\"network\": \"pv-cluster\", \"time\": $now_ms, \"organizations\": ["
    echo "  ${orgs[0]},"
    echo "  ${orgs[1]},"
    echo "  ${orgs[2]}"
    echo "]}"
  } >"$dir/genesis.json"
  echo "wrote $dir/genesis.json (3 organizations, one node key each)"
}

start_etcd() {
  local initial="e1=$(etcd_peer 1),e2=$(etcd_peer 2),e3=$(etcd_peer 3)"
  local token
  token="pv-$(echo "$dir" | sha256sum | cut -c1-12)"
  for i in 1 2 3; do
    running "$dir/etcd$i.pid" && continue
    local state=new tls_args=()
    [ -d "$dir/etcd$i/member" ] && state=existing
    if tls_on; then
      tls_args=(--cert-file "$tls_dir/etcd$i.pem" --key-file "$tls_dir/etcd$i.key"
        --trusted-ca-file "$tls_dir/ca.pem" --client-cert-auth
        --peer-cert-file "$tls_dir/etcd$i.pem" --peer-key-file "$tls_dir/etcd$i.key"
        --peer-trusted-ca-file "$tls_dir/ca.pem" --peer-client-cert-auth)
    fi
    # shellcheck disable=SC2086
    nohup etcd --name "e$i" --data-dir "$dir/etcd$i" \
      --listen-client-urls "$(etcd_client "$i")" --advertise-client-urls "$(etcd_client "$i")" \
      --listen-peer-urls "$(etcd_peer "$i")" --initial-advertise-peer-urls "$(etcd_peer "$i")" \
      --initial-cluster "$initial" --initial-cluster-state "$state" --initial-cluster-token "$token" \
      --logger zap --log-outputs "$dir/etcd$i.log" "${tls_args[@]}" ${PV_ETCD_ARGS:-} >>"$dir/etcd$i.log" 2>&1 &
    echo $! >"$dir/etcd$i.pid"
  done
  # A member that answers is enough: while an alarm (NOSPACE) is active etcd reports
  # "health":"false", and the nodes are what compacts, defragments and disarms it.
  for i in 1 2 3; do
    wait_http "$(etcd_client "$i")/health" '"health":"' 60 "$dir/etcd$i.pid" || {
      echo "error: etcd member e$i does not answer; see $dir/etcd$i.log" >&2
      running "$dir/etcd$i.pid" || echo "it is not running (exited)" >&2
      # shellcheck disable=SC2086
      echo "its /health: $(curl -sS --max-time 5 $(curl_ca) "$(etcd_client "$i")/health" 2>&1)" >&2
      [ -s "$dir/etcd$i.log" ] && { echo "last lines of $dir/etcd$i.log:" >&2; tail -n 12 "$dir/etcd$i.log" | cut -c1-400 >&2; }
      exit 1
    }
  done
}

start_nodes() {
  [ -x "$pv" ] || { echo "error: no pv binary (build it, or set PV_BIN)" >&2; exit 1; }
  for i in 1 2 3; do
    running "$dir/node$i.pid" && continue
    # Each node talks to its own member first, then the others.
    local endpoints="$(etcd_client "$i")"
    for j in 1 2 3; do [ "$j" = "$i" ] || endpoints="$endpoints,$(etcd_client "$j")"; done
    local tls_args=()
    if tls_on; then
      tls_args=(--tls-cert "$tls_dir/node$i.pem" --tls-key "$tls_dir/node$i.key" --peer-ca "$tls_dir/ca.pem"
        --etcd-ca "$tls_dir/ca.pem" --etcd-cert "$tls_dir/node$i.pem" --etcd-key "$tls_dir/node$i.key")
    fi
    # shellcheck disable=SC2086
    nohup "$pv" node start --ordering etcd --etcd-endpoints "$endpoints" --genesis "$dir/genesis.json" \
      --data-dir "$dir/node$i" --listen "127.0.0.1:$(node_port "$i")" "${tls_args[@]}" ${PV_NODE_ARGS:-} \
      >>"$dir/node$i.out" 2>&1 &
    echo $! >"$dir/node$i.pid"
  done
  for i in 1 2 3; do
    wait_http "$(node_url "$i")/healthz" "^ok" 60 "$dir/node$i.pid" || {
      echo "error: node $i is not healthy; see $dir/node$i/pv-node.log" >&2
      # What it answers now, and its last log lines, so a failure says why.
      # shellcheck disable=SC2046
      echo "its /healthz: $(curl -sS --max-time 5 $(curl_ca) "$(node_url "$i")/healthz" 2>&1)" >&2
      for f in "$dir/node$i.out" "$dir/node$i/pv-node.log"; do
        [ -s "$f" ] && { echo "last lines of $f:" >&2; tail -n 15 "$f" >&2; }
      done
      exit 1
    }
  done
}

write_summary() {
  {
    echo "{"
    echo "  \"dir\": \"$dir\","
    echo "  \"genesis\": \"$dir/genesis.json\","
    if tls_on; then echo "  \"ca\": \"$tls_dir/ca.pem\","; fi
    echo "  \"etcd\": [\"$(etcd_client 1)\", \"$(etcd_client 2)\", \"$(etcd_client 3)\"],"
    echo "  \"etcdPids\": [$(cat "$dir/etcd1.pid"), $(cat "$dir/etcd2.pid"), $(cat "$dir/etcd3.pid")],"
    echo "  \"nodes\": [\"$(node_url 1)\", \"$(node_url 2)\", \"$(node_url 3)\"],"
    echo "  \"nodePids\": [$(cat "$dir/node1.pid"), $(cat "$dir/node2.pid"), $(cat "$dir/node3.pid")]"
    echo "}"
  } >"$dir/cluster.json"
}

status() {
  local bad=0
  for i in 1 2 3; do
    if running "$dir/etcd$i.pid"; then
      local h
      # shellcheck disable=SC2046
      h="$(curl -sS --max-time 1 $(curl_ca) "$(etcd_client "$i")/health" 2>/dev/null || echo unreachable)"
      echo "etcd e$i  $(etcd_client "$i")  pid $(cat "$dir/etcd$i.pid")  $h"
    else
      echo "etcd e$i  $(etcd_client "$i")  not running"
      bad=1
    fi
  done
  for i in 1 2 3; do
    if running "$dir/node$i.pid"; then
      local health height
      # shellcheck disable=SC2046
      health="$(curl -sS --max-time 2 $(curl_ca) "$(node_url "$i")/healthz" 2>/dev/null | tr -d '\n' | cut -c1-160)"
      # shellcheck disable=SC2046
      height="$(curl -fsS --max-time 2 $(curl_ca) "$(node_url "$i")/v1/node" 2>/dev/null |
        python3 -c 'import json,sys; print(json.load(sys.stdin).get("height","?"))' 2>/dev/null || echo "?")"
      echo "node $i   $(node_url "$i")  pid $(cat "$dir/node$i.pid")  height $height  health: ${health:-unreachable}"
    else
      echo "node $i   $(node_url "$i")  not running"
      bad=1
    fi
  done
  return $bad
}

case "$cmd" in
  start)
    command -v etcd >/dev/null || { echo "error: etcd is not installed (scripts/deps.sh installs etcd-server)" >&2; exit 1; }
    make_genesis
    if tls_on; then make_tls; fi
    start_etcd
    start_nodes
    write_summary
    echo "cluster running in $dir (details: $dir/cluster.json)"
    status || true
    if tls_on; then
      echo "try: curl --cacert $tls_dir/ca.pem $(node_url 1)/v1/node   (pv commands: PV_NODE_CA=$tls_dir/ca.pem; see docs/cluster.md)"
    else
      echo "try: curl $(node_url 1)/v1/node   (then pv tx submit --node $(node_url 1) ...; see docs/cluster.md)"
    fi
    ;;
  stop)
    for i in 1 2 3; do stop_pid "$dir/node$i.pid" "node $i"; done
    for i in 1 2 3; do stop_pid "$dir/etcd$i.pid" "etcd e$i"; done
    echo "cluster in $dir stopped (data kept; 'clean' deletes it)"
    ;;
  status)
    status
    ;;
  clean)
    for i in 1 2 3; do stop_pid "$dir/node$i.pid" "node $i"; done
    for i in 1 2 3; do stop_pid "$dir/etcd$i.pid" "etcd e$i"; done
    rm -rf "$dir"
    echo "removed $dir"
    ;;
esac
