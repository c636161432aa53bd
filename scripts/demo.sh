#!/usr/bin/env bash
# The guided scenario: installs what is needed, builds, starts a local single-node network of a
# three-member consortium (St Mary's Hospital, Riverside Clinic, Acme Health Insurance) and runs
# the whole patient story through the real `pv` command line, narrated for a hospital IT person:
# Dr Ana adds Alice's lab result and an X-ray, Alice lets Dr Ben read the lab result, the
# insurer and a wrong purpose are refused, Alice revokes, a category consent covers a record
# added later, forged and replayed requests are refused, Alice reads her access log with proofs,
# the node survives kill -9, a lab attests Alice's birth date and vaccination and she proves
# "over 18" and "vaccinated" to the insurer in zero knowledge (a tampered proof and a replay to
# another verifier refused), and an auditor verifies the ledger online and offline.
#
# Every run starts a fresh network in the demo directory (default ./pv-demo; the previous run's
# data there is deleted). It exits non-zero if any step misbehaves, a refusal that does not
# happen included.
#
# Usage: scripts/demo.sh
#        PV_DEMO_DIR=DIR PV_DEMO_PORT=PORT scripts/demo.sh
#        PV_DEMO_BIN=build/pv scripts/demo.sh    (use an already built pv; no install, no build)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${PV_DEMO_BIN:-}" ]; then
  pv=$(realpath "$PV_DEMO_BIN")
else
  scripts/build.sh -DPV_BENCH=OFF
  pv="$PWD/build/pv"
fi
demo=$(realpath -m "${PV_DEMO_DIR:-./pv-demo}")
port="${PV_DEMO_PORT:-7600}"
export PV_NODE="http://127.0.0.1:$port" XDG_CONFIG_HOME="$demo/config" PV_WALLET="$demo/wallet"
# Keys are encrypted at rest (Argon2id + XChaCha20-Poly1305). The demo reads its passphrases from
# the environment and uses libsodium's faster "interactive" Argon2id setting for its wallet; a
# real deployment uses a prompt or a file readable by one user only (--passphrase-file,
# --key-passphrase-file) and the default, stronger setting. Nothing here prints a passphrase,
# a private key or an unwrapped data key.
export PV_NODE_PASSPHRASE="${PV_NODE_PASSPHRASE:-demo node key passphrase}"
export PV_PASSPHRASE="${PV_PASSPHRASE:-demo wallet passphrase}"
export PV_WALLET_KDF="${PV_WALLET_KDF:-interactive}"
unset PV_AS

# --- presentation and checks ----------------------------------------------------------------
bold='' plain=''
if [ -t 1 ]; then bold=$(tput bold 2>/dev/null || true) plain=$(tput sgr0 2>/dev/null || true); fi
step() { printf '\n%s== %s ==%s\n' "$bold" "$*" "$plain"; }
say() { printf '   %s\n' "$*"; }
# show CMD...: prints the command as a user would type it (pv for the binary, paths relative to
# the demo directory, 64-hex ids and long arguments shortened with "…").
show() {
  local a=() x
  for x in "$@"; do
    if [ "$x" = "$pv" ]; then x=pv; fi
    x=${x#"$demo/"}
    if [[ $x =~ ^[0-9a-f]{64}$ ]]; then x="${x:0:12}…"; elif [ ${#x} -gt 90 ] && [[ $x != http* ]]; then x="${x:0:24}…"; fi
    a+=("$x")
  done
  printf '   $ %s\n' "${a[*]}"
}
indent() { sed 's/^/     /'; }
fail() { printf '\n%sDEMO FAILED:%s %s\n' "$bold" "$plain" "$*" >&2; exit 1; }
# run CMD...: show it, run it, indent its output; the demo fails if it fails.
run() {
  show "$@"
  local out rc=0
  out=$("$@" 2>&1) || rc=$?
  printf '%s\n' "$out" | indent
  [ "$rc" = 0 ] || fail "'${*: -1}' step failed (exit $rc)"
}
# refused EXPECTED CMD...: CMD must fail, and its output match the regex EXPECTED; a refusal that does not happen fails
# the demo.
refused() {
  local expected=$1 out rc=0
  shift
  show "$@"
  out=$("$@" 2>&1) || rc=$?
  printf '%s\n' "$out" | indent
  [ "$rc" != 0 ] || fail "this should have been refused, and it was not"
  grep -qE -- "$expected" <<<"$out" || fail "the refusal does not say \"$expected\""
  say "-> refused, as it must be."
}
# json_field FIELD.PATH: reads JSON on stdin.
json_field() { python3 -c 'import json,sys
v=json.load(sys.stdin)
for k in sys.argv[1].split("."): v=v[int(k)] if isinstance(v,list) else v[k]
print(json.dumps(v) if isinstance(v,bool) else v)' "$1"; }
pvj() { "$pv" "$@" --json; }

# --- a fresh demo directory -------------------------------------------------------------------
if curl -s -o /dev/null "$PV_NODE/healthz" 2>/dev/null; then
  fail "port $port is already serving something; set PV_DEMO_PORT to a free port"
fi
if [ -e "$demo" ] && [ ! -e "$demo/.pv-demo" ] && [ -n "$(ls -A "$demo" 2>/dev/null)" ] &&
  [ ! -e "$demo/node.log" ]; then
  fail "$demo exists and was not made by this demo; remove it or set PV_DEMO_DIR"
fi
rm -rf "$demo"
mkdir -p "$demo/files" "$demo/dr-ben" "$demo/insurer"
touch "$demo/.pv-demo"
node_pid=""
start_node() {
  "$pv" node start --data-dir "$demo/node" --listen "127.0.0.1:$port" \
    --genesis "$demo/genesis.json" >>"$demo/node.log" 2>&1 &
  node_pid=$!
  for _ in $(seq 300); do
    curl -sf "$PV_NODE/healthz" >/dev/null && return 0
    kill -0 "$node_pid" 2>/dev/null || { tail -5 "$demo/node.log"; fail "the node did not start; see $demo/node.log"; }
    sleep 0.1
  done
  fail "the node did not become healthy; see $demo/node.log"
}
# On the way out (a failed step included) the node is stopped, and waited for, so it has written
# its last state and freed the port before the demo exits.
trap '[ -n "$node_pid" ] && { kill "$node_pid" 2>/dev/null; wait "$node_pid" 2>/dev/null; }; true' EXIT

# --- the story -------------------------------------------------------------------------------
step "1. Three organizations, one ledger: St Mary's runs the node"
say "Every person and organization is a key pair in an encrypted wallet; its public half is a"
say "DID (did:key). On a real network each lives on its owner's own machine; here they share"
say "one demo wallet. Alice is the patient, Dr Ana works at St Mary's Hospital, Dr Ben at"
say "Riverside Clinic, and Ivan is an agent of Acme Health Insurance."
for name in alice dr-ana dr-ben ivan st-marys riverside acme; do
  "$pv" id create --name "$name" --method key >/dev/null || fail "could not create identity $name"
done
did() { "$pv" id list --json | python3 -c 'import json,sys
print({i["name"]: i["did"] for i in json.load(sys.stdin)}[sys.argv[1]])' "$1"; }
node_did=$(pvj node key --data-dir "$demo/node" | json_field did)
cat >"$demo/genesis.json" <<EOF
{"network": "pv-demo", "time": $(date +%s)000, "organizations": [
  {"did": "$(did st-marys)", "name": "St Mary's Hospital", "role": "provider", "nodeKeys": ["$node_did"]},
  {"did": "$(did riverside)", "name": "Riverside Clinic", "role": "provider"},
  {"did": "$(did acme)", "name": "Acme Health Insurance", "role": "insurer"}]}
EOF
say "The genesis file names the three member organizations; St Mary's node key (encrypted on"
say "its disk) is the one that may seal blocks and write access events."
start_node
run "$pv" org list
say "Riverside Clinic vouches for Dr Ben with a role credential (a W3C VC-JWT signed with the"
say "clinic's key); anyone checks it against the ledger's membership and revocations. (The reads"
say "below are decided on consents that name Dr Ben himself.)"
show "$pv" credential issue --issuer riverside --subject dr-ben --role physician --license RC-2291 \
  --days 365 ">" "$demo/dr-ben/credential.jwt"
pvj credential issue --issuer riverside --subject dr-ben --role physician --license RC-2291 \
  --days 365 | json_field jwt >"$demo/dr-ben/credential.jwt" || fail "could not issue Dr Ben's credential"
run "$pv" credential verify --file "$demo/dr-ben/credential.jwt"

step "2. Dr Ana (St Mary's) adds Alice's lab result and a chest X-ray"
marker="glucose-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cat >"$demo/files/glucose.json" <<EOF
{"resourceType": "Observation", "status": "final",
 "code": {"coding": [{"system": "http://loinc.org", "code": "1558-6", "display": "Fasting glucose"}]},
 "subject": {"display": "Alice (synthetic demo patient)"}, "note": [{"text": "$marker"}],
 "valueQuantity": {"value": 6.1, "unit": "mmol/L"}}
EOF
{ head -c 128 /dev/zero; printf 'DICM'; head -c 20000 /dev/urandom; } >"$demo/files/chest-xray.dcm"
say "Dr Ana's pv encrypts the file on her machine with a fresh random key (XChaCha20-Poly1305)."
say "The node receives only ciphertext, stored as IPFS content, and a ledger entry holding its"
say "CID, a keyed commitment to the plaintext and the key sealed for Alice and for Dr Ana."
add=$(pvj record add --as dr-ana --patient alice --org st-marys "$demo/files/glucose.json" --verify) ||
  fail "Dr Ana could not add the lab result: $add"
show "$pv" record add --as dr-ana --patient alice --org st-marys files/glucose.json --verify
rec1=$(json_field record.id <<<"$add") cid1=$(json_field record.cid <<<"$add")
say "  record $rec1 ($(json_field record.category <<<"$add"), $(json_field record.mediaType <<<"$add"))"
say "  ciphertext $cid1"
[ "$(json_field record.proof.verified <<<"$add")" = true ] || fail "the anchor's inclusion proof did not verify"
say "  anchored at height $(json_field record.height <<<"$add"); inclusion proof verified here against the signed checkpoint"
xray=$(pvj record add --as dr-ana --patient alice --org st-marys "$demo/files/chest-xray.dcm") ||
  fail "Dr Ana could not add the X-ray: $xray"
show "$pv" record add --as dr-ana --patient alice --org st-marys files/chest-xray.dcm
rec_xray=$(json_field record.id <<<"$xray")
say "  record $rec_xray ($(json_field record.category <<<"$xray"), $(json_field record.mediaType <<<"$xray"))"
say "What the node serves to anyone who asks for that CID is ciphertext (first bytes):"
show curl -s "$PV_NODE/ipfs/$cid1?format=raw"
curl -sf "$PV_NODE/ipfs/$cid1?format=raw" | head -c 48 | od -An -tx1 | indent
curl -sf "$PV_NODE/ipfs/$cid1?format=raw" | grep -qF "$marker" && fail "the node served plaintext"
say "(the lab result's text is not in it)"
say "The node saw: Dr Ana's signed request, Alice's and Dr Ana's DIDs, the CID, the category and"
say "size. It never saw: the glucose value, Alice's name, or the key that decrypts the file."

step "3. Alice lets Dr Ben (Riverside) read the lab result, for treatment, for 30 days"
say "The consent is a ledger transaction signed with Alice's key. Her wallet opens the record's"
say "key and seals it for Dr Ben; the node only ever holds the sealed copy."
grant=$(pvj consent grant --as alice --to dr-ben --record "$rec1" --purpose TREAT --days 30) ||
  fail "Alice could not grant consent: $grant"
show "$pv" consent grant --as alice --to dr-ben --record "$rec1" --purpose TREAT --days 30
consent1=$(json_field consent.id <<<"$grant")
say "  consent $consent1"

step "4. Dr Ben reads it; it is decrypted on his side"
say "His request is signed (RFC 9421). The node checks the consent at the current ledger height,"
say "writes the access event to the ledger, and only then serves the ciphertext and Dr Ben's"
say "sealed key. pv checks every block, decrypts, and checks the commitment on the ledger."
run "$pv" record get "$rec1" --as dr-ben --purpose TREAT -o "$demo/dr-ben/glucose.json" --verify
cmp -s "$demo/files/glucose.json" "$demo/dr-ben/glucose.json" || fail "Dr Ben's copy differs"
say "Dr Ben's copy is byte for byte Dr Ana's file:"
indent <"$demo/dr-ben/glucose.json"
say "The node saw: who asked (Dr Ben's DID), for which record, why (TREAT), and its own decision."
say "It served ciphertext and a key sealed for Dr Ben; only his wallet can open that key."

step "5. The insurer's agent asks for the lab result: refused (403), and the refusal is logged"
refused "no consent from the patient covers" \
  "$pv" record get "$rec1" --as ivan --purpose HPAYMT -o "$demo/insurer/glucose.json"
[ ! -e "$demo/insurer/glucose.json" ] || fail "a file was written for the insurer"
say "The node wrote the refusal to the ledger before answering; Alice will see it (step 10)."

step "6. Dr Ben asks for another purpose (payment): refused, the consent says treatment"
refused "is for purpose TREAT, not HPAYMT" \
  "$pv" record get "$rec1" --as dr-ben --purpose HPAYMT -o "$demo/dr-ben/x.json"

step "7. Alice revokes; from the next block on Dr Ben is refused"
run "$pv" consent revoke "$consent1" --as alice
refused "was revoked at height" \
  "$pv" record get "$rec1" --as dr-ben --purpose TREAT -o "$demo/dr-ben/again.json"

step "8. Forged and replayed requests are refused, and nothing accepted is disturbed"
grant_b64=$(curl -sf "$PV_NODE/v1/tx/$consent1" | json_field tx)
say "Someone replays Alice's original consent transaction to bring Dr Ben's access back:"
refused "is a replay" "$pv" tx submit --raw "$grant_b64" --as dr-ben
say "The same with one byte flipped (to name another key envelope): the signature breaks:"
# The grant's last field, just before the 64-byte signature, is the key envelope's CID.
forged=$(python3 -c 'import base64,sys;b=bytearray(base64.b64decode(sys.argv[1]));b[len(b)-65]^=1;print(base64.b64encode(bytes(b)).decode())' "$grant_b64")
refused "signature does not verify" "$pv" tx submit --raw "$forged" --as dr-ben
say "A read without a request signature never reaches the consent check:"
show curl -s -X POST "$PV_NODE/v1/records/${rec1:0:12}…/access?purpose=TREAT"
unsigned=$(curl -s -w '\nHTTP %{http_code}' -X POST "$PV_NODE/v1/records/$rec1/access?purpose=TREAT")
printf '%s\n' "$unsigned" | indent
grep -q "HTTP 401" <<<"$unsigned" || fail "an unsigned read was not refused with 401"
say "-> refused, as it must be."

step "9. A category consent covers a record added later, without Alice acting again"
say "Alice lets Dr Ben read every Observation (lab results) for a year. Her wallet publishes a"
say "key for her Observation category and seals its secret for Dr Ben."
run "$pv" consent grant --as alice --to dr-ben --category Observation --purpose TREAT --days 365
cat >"$demo/files/hba1c.json" <<EOF
{"resourceType": "Observation", "status": "final",
 "code": {"coding": [{"system": "http://loinc.org", "code": "4548-4", "display": "Hemoglobin A1c"}]},
 "subject": {"display": "Alice (synthetic demo patient)"}, "note": [{"text": "hba1c-$marker"}],
 "valueQuantity": {"value": 6.4, "unit": "%"}}
EOF
say "Later Dr Ana adds a new lab result; her pv also seals its key to Alice's Observation"
say "category key, which is on the ledger (the ledger refuses an anchor that leaves it out)."
later=$(pvj record add --as dr-ana --patient alice --org st-marys "$demo/files/hba1c.json") ||
  fail "Dr Ana could not add the HbA1c result: $later"
show "$pv" record add --as dr-ana --patient alice --org st-marys files/hba1c.json
rec2=$(json_field record.id <<<"$later")
say "  record $rec2, category key epoch $(json_field record.categoryKeyEpoch <<<"$later")"
run "$pv" record get "$rec2" --as dr-ben --purpose TREAT -o "$demo/dr-ben/hba1c.json"
cmp -s "$demo/files/hba1c.json" "$demo/dr-ben/hba1c.json" || fail "Dr Ben's copy of the HbA1c differs"
say "The chest X-ray is an ImagingStudy, not an Observation: out of scope."
refused "not ImagingStudy|does not cover this record" \
  "$pv" record get "$rec_xray" --as dr-ben --purpose TREAT -o "$demo/dr-ben/xray.dcm"

step "10. Alice's access log: every read and every refusal, each proven"
say "pv checks each entry's inclusion proof against a checkpoint signed by the node's key and"
say "compares what it shows with the proven transaction, so Alice need not trust the node."
run "$pv" access-log --as alice --verify
log_count=$(pvj access-log --as alice | python3 -c 'import json,sys;print(len(json.load(sys.stdin)["entries"]))')

step "11. The node is killed with kill -9 and restarts with everything it acknowledged"
kill -9 "$node_pid"
wait "$node_pid" 2>/dev/null || true
say "killed the node (pid $node_pid) without warning; restarting it"
start_node
run "$pv" record list --as alice --verify
after=$(pvj access-log --as alice | python3 -c 'import json,sys;print(len(json.load(sys.stdin)["entries"]))')
[ "$after" = "$log_count" ] || fail "the access log had $log_count entries before the crash, $after after"
say "Alice's access log still has all $after entries. Dr Ben can still read under the category consent:"
run "$pv" record get "$rec2" --as dr-ben --purpose TREAT -o "$demo/dr-ben/hba1c-again.json"

step "12. Prove a fact, not the record: Alice shows the insurer she is over 18 and vaccinated"
say "St Mary's laboratory attests Alice's birth date and a measles vaccination. Its pv commits to"
say "each value (a Pedersen commitment on P-256) and encrypts the values for Alice; the ledger"
say "holds only the commitments."
show "$pv" attest issue --as st-marys --patient alice --attr birth_date=1990-05-01 \
  --attr vaccine=measles --attr vaccination_date=2021-03-15
att=$(pvj attest issue --as st-marys --patient alice --attr birth_date=1990-05-01 \
  --attr vaccine=measles --attr vaccination_date=2021-03-15 | json_field id) ||
  fail "the lab could not attest"
say "  attestation $att"
say "Alice's pv opens the values on her side:"
run "$pv" attest list --as alice
nonce=$(python3 -c 'import secrets;print(secrets.token_hex(8))')
adult=$(python3 -c 'import datetime;d=datetime.date.today();print(d.replace(year=d.year-18) if not (d.month==2 and d.day==29) else d.replace(year=d.year-18,day=28))')
say "The insurer asks for \"over 18\" (born on or before $adult) and \"vaccinated against measles"
say "after 2020-01-01\", with a fresh nonce ($nonce). Alice proves exactly that, for the insurer only:"
run "$pv" prove --as alice --attestation "$att" --claim "birth_date <= $adult" \
  --claim "vaccine = measles" --claim "vaccination_date > 2020-01-01" \
  --for "$(did acme)" --nonce "$nonce" -o "$demo/insurer/proof.json"
if grep -qF -e 1990-05-01 -e 2021-03-15 "$demo/insurer/proof.json"; then
  fail "the proof file holds an attested value"
fi
say "Ivan verifies it for Acme against the ledger (attestation in the log, not revoked, Alice's"
say "key, the zero-knowledge proof). He learns that the claims hold; the file holds no value."
run "$pv" proof verify "$demo/insurer/proof.json" --nonce "$nonce" --for "$(did acme)"
say "The same check without any node, from the inclusion proof the file carries and St Mary's"
say "checkpoint key (revocation cannot be known offline, and pv says so):"
run "$pv" proof verify "$demo/insurer/proof.json" --nonce "$nonce" --offline "$node_did"
say "A tampered proof (one character of the proof changed):"
python3 - "$demo/insurer/proof.json" "$demo/insurer/tampered.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
p = f["proof"]
i = len(p) // 2
f["proof"] = p[:i] + ("A" if p[i] != "A" else "B") + p[i + 1:]
json.dump(f, open(sys.argv[2], "w"), indent=2)
PY
refused "zero-knowledge proof does not verify" \
  "$pv" proof verify "$demo/insurer/tampered.json" --nonce "$nonce" --for "$(did acme)"
say "Riverside Clinic is handed Alice's proof and presents it as its own: it was made for Acme."
refused "made for another verifier" \
  "$pv" proof verify "$demo/insurer/proof.json" --nonce "$nonce" --for "$(did riverside)"

step "13. The right to be forgotten: a record the ledger never ties to Alice, then erased"
say "Alice gives St Mary's a pool of pseudonyms: fresh keys in her wallet, one per future record,"
say "signed by her. St Mary's registers it; records its staff add for her from now on are"
say "anchored under one pseudonym each, never under her DID."
run "$pv" pseudonym issue --as alice --count 5 -o "$demo/files/alice-st-marys.pool"
run "$pv" pseudonym import "$demo/files/alice-st-marys.pool"
cat >"$demo/files/biopsy.json" <<EOF
{"resourceType": "DiagnosticReport", "status": "final", "code": {"text": "Skin biopsy"},
 "conclusion": "benign naevus", "subject": {"display": "Alice (synthetic demo patient)"}}
EOF
biopsy=$(pvj record add --as dr-ana --patient alice --org st-marys "$demo/files/biopsy.json") ||
  fail "Dr Ana could not add the biopsy report: $biopsy"
show "$pv" record add --as dr-ana --patient alice --org st-marys files/biopsy.json
rec3=$(json_field record.id <<<"$biopsy") pseudonym=$(json_field record.pseudonym <<<"$biopsy")
say "  record $rec3 anchored under pseudonym ${pseudonym:0:24}…"
[ "$pseudonym" != "$(did alice)" ] || fail "the biopsy was anchored under Alice's DID"
say "Alice's wallet finds it (it asks the node as each of her pseudonyms) and opens it:"
run "$pv" record get "$rec3" --as alice --purpose PATRQT -o "$demo/files/biopsy-copy.json"
say "She asks for it to be erased. The erasure is a ledger transaction signed by the pseudonym;"
say "her wallet then destroys the pseudonym's key. The node deletes the ciphertext and the"
say "record's keys, compacts its storage and signs a receipt on the ledger."
run "$pv" record erase "$rec3" --as alice
for _ in $(seq 100); do
  receipts=$(pvj record erasure-status "$rec3" --as dr-ana | python3 -c 'import json,sys
print(len(json.load(sys.stdin)["receipts"]))') || receipts=0
  [ "$receipts" -ge 1 ] && break
  sleep 0.2
done
run "$pv" record erasure-status "$rec3" --as dr-ana
refused "410 Gone" "$pv" record get "$rec3" --as dr-ana --purpose TREAT -o "$demo/files/biopsy-ana.json"
say "What the ledger keeps about the biopsy: a pseudonym whose key no longer exists, Dr Ana and"
say "St Mary's, the category, and the CIDs of ciphertext and keys that no node holds. Nothing in it"
say "names Alice, and nothing left can be decrypted."
say "Alice makes it the rule: from now on every node refuses a record anchored under her DID."
run "$pv" pseudonym require --as alice
refused "accepts records only under her pseudonyms" \
  "$pv" record add --as dr-ana --patient alice --org st-marys --no-pseudonym "$demo/files/biopsy.json"

step "14. An auditor verifies the running node online"
say "It checks the signed checkpoint, proves it extends the one it saw last time, and"
say "spot-checks block seals and inclusion proofs. It sees no medical data: none is there."
run "$pv" verify --node "$PV_NODE"

step "15. The node stops; the whole ledger is re-verified offline, and its disk holds no plaintext"
say "Every block re-hashed, every signature and seal re-checked, every transaction replayed to"
say "recompute the Merkle log and the state digests, stored state and indexes compared."
kill -TERM "$node_pid"
wait "$node_pid" || true
node_pid=""
run "$pv" verify --data-dir "$demo/node"
files=$(find "$demo/node" -type f | wc -l)
if grep -rlaF -e "$marker" -e "Fasting glucose" -e "Hemoglobin A1c" -e 1990-05-01 "$demo/node" "$demo/node.log"; then
  fail "plaintext of a record was found in the node's files"
fi
say "Searched the node's $files data files and its log for the lab results' text and Alice's birth date: not found."
printf '\n%sDone.%s Every step behaved. The network is in %s (wallet, node data, node.log);\n' \
  "$bold" "$plain" "$demo"
printf 'running this script again starts a fresh one there.\n'
