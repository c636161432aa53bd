#!/usr/bin/env bash
# The guided scenario: installs what is needed, builds, starts a local single-node network and
# walks through the ledger core in plain words: a lab creates an identity in its encrypted wallet
# and anchors a document, anyone checks the proof against a signed checkpoint, unsigned requests,
# replays and forgeries are refused, the node survives kill -9, and
# an auditor verifies the whole ledger online and offline.
# Usage: scripts/demo.sh            (data in ./pv-demo, which survives re-runs)
#        PV_DEMO_DIR=DIR PV_DEMO_PORT=PORT scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh -DPV_BENCH=OFF

demo=$(realpath -m "${PV_DEMO_DIR:-./pv-demo}")
port="${PV_DEMO_PORT:-7600}"
pv="$PWD/build/pv"
export PV_NODE="http://127.0.0.1:$port" XDG_CONFIG_HOME="$demo/config"
# Keys are encrypted at rest (Argon2id + XChaCha20-Poly1305). The demo reads its passphrases from
# the environment; a real deployment uses a prompt or a file readable by one user only
# (--passphrase-file, --key-passphrase-file).
export PV_NODE_PASSPHRASE="${PV_NODE_PASSPHRASE:-demo node key passphrase}"
export PV_PASSPHRASE="${PV_PASSPHRASE:-demo wallet passphrase}"
mkdir -p "$demo"
bold=$(tput bold 2>/dev/null || true) plain=$(tput sgr0 2>/dev/null || true)
step() { printf '\n%s== %s ==%s\n' "$bold" "$*" "$plain"; }
say() { printf '   %s\n' "$*"; }
run() { printf '   $ %s\n' "$*"; "$@" 2>&1 | sed 's/^/     /'; }

node_pid=""
start_node() {
  "$pv" node start --data-dir "$demo/node" --listen "127.0.0.1:$port" >>"$demo/node.log" 2>&1 &
  node_pid=$!
  for _ in $(seq 100); do
    curl -sf "$PV_NODE/healthz" >/dev/null && return 0
    kill -0 "$node_pid" 2>/dev/null || { echo "the node did not start; see $demo/node.log"; tail -5 "$demo/node.log"; exit 1; }
    sleep 0.1
  done
  echo "the node did not become healthy; see $demo/node.log"; exit 1
}
trap '[ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null; true' EXIT
if curl -sf "$PV_NODE/healthz" >/dev/null 2>&1; then
  echo "port $port is already serving something; set PV_DEMO_PORT to a free port"; exit 1
fi

step "1. A hospital starts its ledger node"
say "One command starts a working single-node network. Its data directory ($demo/node)"
say "keeps the ledger across restarts; on first start it creates the network's genesis."
start_node
run curl -s "$PV_NODE/v1/node"

step "2. A lab creates its signing identity"
say "An Ed25519 key in the lab's wallet, encrypted with its passphrase; its public half is the"
say "lab's did:key. No private key is ever written in the clear."
"$pv" id list --json | grep -q '"name":"lab"' || run "$pv" id create --name lab
run "$pv" id show lab
export PV_AS=lab

step "3. The lab anchors a discharge letter on the ledger"
say "Only the SHA-256 of the letter goes to the node: no medical data reaches the ledger."
letter="$demo/discharge-letter-$(date +%s%N).txt"
printf 'Discharge letter (synthetic demo data), written %s\n' "$(date -u)" >"$letter"
run "$pv" tx submit --file "$letter" --wait
say "Anchoring the same letter again is committed but marked refused: the first anchor wins,"
say "so 'anchored at' is one provable time."
run "$pv" tx submit --file "$letter" --wait || true
tx_id=$("$pv" tx submit --anchor "$(head -c 32 /dev/urandom | sha256sum | cut -d' ' -f1)" --wait --json |
  python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
say "A second document, anchored as transaction $tx_id."

step "4. Anyone checks that the anchor is in the ledger, trusting only the node's key"
say "The proof is an RFC 9162 inclusion proof against a signed C2SP checkpoint; pv recomputes"
say "the leaf from the transaction bytes and verifies the checkpoint signature itself."
run "$pv" tx get "$tx_id" --proof
say "The signed checkpoint itself:"
run curl -s "$PV_NODE/v1/checkpoint"

step "5. Unsigned, replayed and forged requests are refused, and nothing accepted is disturbed"
tx_b64=$(curl -s "$PV_NODE/v1/tx/$tx_id" | python3 -c 'import json,sys;print(json.load(sys.stdin)["tx"])')
say "A write made without a request signature (RFC 9421) is refused before anything is read:"
run curl -s -X POST "$PV_NODE/v1/tx" -H 'content-type: application/json' -d "{\"tx\":\"$tx_b64\"}"
say "The lab (a signed request) sending the very same signed transaction again:"
run "$pv" tx submit --raw "$tx_b64" || true
say "Sending it with one byte of the transaction's signature flipped:"
forged=$(python3 -c 'import base64,sys;b=bytearray(base64.b64decode(sys.argv[1]));b[-1]^=1;print(base64.b64encode(bytes(b)).decode())' "$tx_b64")
run "$pv" tx submit --raw "$forged" || true

step "6. An auditor verifies the running node online"
say "It checks the signed checkpoint, proves it extends the one it saw last time, and"
say "spot-checks block seals and inclusion proofs."
run "$pv" verify --node "$PV_NODE"

step "7. The node is killed with kill -9 and restarts with everything it acknowledged"
kill -9 "$node_pid"; wait "$node_pid" 2>/dev/null || true
say "killed the node (pid $node_pid) without warning; restarting it"
start_node
run "$pv" tx get "$tx_id"

step "8. The node stops cleanly, and the whole ledger is re-verified offline"
say "Every block re-hashed, every signature and seal re-checked, every transaction replayed to"
say "recompute the Merkle log and the state digests, stored state and indexes compared."
kill -TERM "$node_pid"; wait "$node_pid" || true; node_pid=""
run "$pv" verify --data-dir "$demo/node"
printf '\n%sDone.%s The ledger is in %s/node; run this script again to continue it.\n' "$bold" "$plain" "$demo"
