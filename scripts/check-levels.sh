#!/usr/bin/env bash
# Fails when an #include points up the level order (see CMakeLists.txt): a level may include
# only itself and the levels before it.
set -euo pipefail
cd "$(dirname "$0")/.."
order=(base crypto codec zk evm webauthn ledger storage identity ordering content http node api encryption audit cli)
# storage, identity, ordering, content and http are siblings (one rank): none may include another.
# zk (commitments and proofs) sits between codec and ledger; evm (the EVM interpreter,
# docs/evm.md) shares its rank, and so does webauthn (verification of WebAuthn assertions,
# docs/passkeys.md), which needs only base, crypto and codec.
# http (the server front: connections, limits, routing) needs only base.
# content (IPFS blocks, UnixFS, CAR, blockstore) needs only base, crypto and codec.
# encryption (client-side: data keys, blob ciphertext) ranks above api so that nothing the node
# runs can include it. audit (the auditor node and its witness, docs/audit.md) is its sibling:
# an auditor never holds a record key, so it may not include encryption.
declare -A rank=([base]=0 [crypto]=1 [codec]=2 [zk]=3 [evm]=3 [webauthn]=3 [ledger]=4 [storage]=5 [identity]=5 [ordering]=5 [content]=5 [http]=5 [node]=6 [api]=7 [encryption]=8 [audit]=8 [cli]=9)
bad=0
for level in "${order[@]}"; do
  # Every file of the level, domain folders included (src/ledger/erasure/...).
  while IFS= read -r f; do
    while IFS= read -r inc; do
      target=${inc%%/*}
      [ -n "${rank[$target]:-}" ] || continue
      if (( rank[$target] > rank[$level] )) || { (( rank[$target] == rank[$level] )) && [ "$target" != "$level" ]; }; then
        echo "level violation: $f includes \"$inc\" ($level may not depend on $target)"
        bad=1
      fi
    done < <(grep -oE '^#include "[^"]+"' "$f" | sed -E 's/#include "(.*)"/\1/')
  done < <(find "src/$level" -type f | sort)
done
exit $bad
