#include "ledger/executor.hpp"

#include <set>

#include "codec/binary.hpp"
#include "ledger/signer.hpp"

namespace pv {
namespace {

Bytes encode_u64(std::uint64_t v) {
  BinaryWriter w;
  w.u64(v);
  return w.take();
}

TxResult refuse(TxCode code, std::string reason) { return TxResult{code, std::move(reason)}; }

// The verdict on one transaction; on success its writes are in `state`.
TxResult execute_one(const TxRegistry& registry, StateOverlay& state, const ExecutionInput& in,
                     std::size_t i, std::set<TxId>& seen, const TxId& id) {
  const Bytes& encoded = in.transactions[i];
  if (!seen.insert(id).second) return refuse(TxCode::duplicate, "duplicate of an earlier transaction in this block");
  auto tx = decode_transaction(encoded);
  if (!tx) return refuse(TxCode::malformed, tx.error().message);
  const TxTypeRules* rules = registry.find(tx->type);
  if (rules == nullptr) return refuse(TxCode::unknown_type, "unknown transaction type " + std::to_string(tx->type));
  // A precheck counts only where the key is a pure function of the bytes.
  bool checked = signature_is_stateless(*rules, *tx) && in.signature_checked && i < in.signature_checked->size() && (*in.signature_checked)[i];
  if (!checked) {
    if (auto s = verify_signature_in_state(registry, state, in.network, *tx); !s)
      return refuse(TxCode::bad_signature, s.error().message);
  }
  if (auto s = rules->check_form(*tx); !s) return refuse(TxCode::malformed, s.error().message);
  if (tx->created_ms > in.block_time_ms + kTxMaxFutureMs)
    return refuse(TxCode::from_future, "created more than 5 minutes after the block time");
  if (tx->created_ms + kTxMaxAgeMs < in.block_time_ms)
    return refuse(TxCode::expired, "created more than 24 hours before the block time");
  std::string owner = nonce_owner(tx->signer);
  std::uint64_t last = committed_nonce(state, owner);
  if (tx->nonce <= last)
    return refuse(TxCode::stale_nonce, "nonce " + std::to_string(tx->nonce) + " is not above the signer's last nonce " +
                                           std::to_string(last));
  // From here the signer provably sent this transaction: its nonce is spent whatever the
  // type's rule says, so a refused transaction cannot be replayed either.
  state.put(nonce_state_key(owner), encode_u64(tx->nonce));
  StateOverlay scratch(static_cast<const StateView&>(state));
  TxContext ctx{scratch, in.network, *tx, id, in.height, in.block_time_ms};
  if (auto s = rules->apply(ctx); !s) return refuse(TxCode::rejected, s.error().message);
  for (auto& change : scratch.changes()) {
    if (change.value) state.put(change.key, std::move(*change.value));
    else state.erase(change.key);
  }
  return TxResult{};
}

}  // namespace

std::string nonce_state_key(const std::string& signer) { return "nonce/" + signer; }

std::uint64_t committed_nonce(const StateView& state, const std::string& signer) {
  auto v = state.get(nonce_state_key(signer));
  if (!v) return 0;
  BinaryReader r(*v);
  auto n = r.u64("nonce");
  return n ? *n : 0;
}

BlockExecution execute_block(const TxRegistry& registry, const StateView& state, const ExecutionInput& in) {
  BlockExecution out;
  out.results.reserve(in.transactions.size());
  StateOverlay overlay(state);
  std::set<TxId> seen;
  out.ids.reserve(in.transactions.size());
  for (std::size_t i = 0; i < in.transactions.size(); ++i) {
    out.ids.push_back(transaction_id(in.transactions[i]));
    out.results.push_back(execute_one(registry, overlay, in, i, seen, out.ids.back()));
  }
  out.changes = overlay.changes();
  return out;
}

}  // namespace pv
