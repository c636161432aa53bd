#!/usr/bin/env bash
# Peak memory (maximum resident set size, /usr/bin/time -v) of `pv blob put`, `pv blob get` and
# of the node serving them, for one large random file; checks the round trip with cmp. Not part
# of the test suite (it moves GBs); run it by hand after a build. Needs ~3x the file size free
# under /tmp. Usage: scripts/blob-memory.sh [size in GB, default 4]
set -euo pipefail
cd "$(dirname "$0")/.."
gb="${1:-4}"
dir=$(mktemp -d /tmp/pv-mem.XXXXXX)
export PV_WALLET="$dir/wallet" PV_PASSPHRASE="memory check" PV_WALLET_KDF=interactive
export PV_NODE_PASSPHRASE="memory check node"
port=$((20000 + RANDOM % 20000))
node_url="http://127.0.0.1:$port"
/usr/bin/time -v -o "$dir/node.time" ./build/pv node start --data-dir "$dir/node" \
  --listen "127.0.0.1:$port" >"$dir/node.log" 2>&1 &
time_pid=$!
cleanup() { kill "$time_pid" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
for _ in $(seq 100); do curl -sf "$node_url/healthz" >/dev/null && break; sleep 0.1; done
node_pid=$(pgrep -P "$time_pid")
./build/pv id create --name alice >/dev/null
echo "writing a ${gb} GB random file"
head -c $((gb * 1000000000)) /dev/urandom >"$dir/big"
/usr/bin/time -v -o "$dir/put.time" ./build/pv blob put "$dir/big" --as alice --node "$node_url" \
  --json >"$dir/put.json"
cid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cid"])' "$dir/put.json")
key=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["wrappedKey"])' "$dir/put.json")
/usr/bin/time -v -o "$dir/get.time" ./build/pv blob get "$cid" -o "$dir/big.out" --key "$key" \
  --as alice --node "$node_url" --json >/dev/null
cmp "$dir/big" "$dir/big.out" && echo "round trip identical ($cid)"
kill -TERM "$node_pid"
wait "$time_pid" || true
for f in put get node; do
  rss=$(grep "Maximum resident set size" "$dir/$f.time" | awk '{print $NF}')
  secs=$(grep "Elapsed (wall clock)" "$dir/$f.time" | awk '{print $NF}')
  echo "$f: max RSS $((rss / 1024)) MiB, wall $secs"
done
