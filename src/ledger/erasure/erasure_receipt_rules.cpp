// Rule of the erasure-receipt type (39): one receipt per member node key per erased record.

#include "codec/did_key.hpp"
#include "ledger/erasure/erasure_rules.hpp"
#include "ledger/erasure/erasure_state.hpp"
#include "ledger/org_state.hpp"

namespace pv {

TxTypeRules erasure_receipt_rules() {
  TxTypeRules rules;
  rules.type = kTxTypeErasureReceipt;
  rules.name = "erasure-receipt";
  rules.check_form = [](const Transaction& tx) -> Status {
    if (tx.signer.rfind("did:key:", 0) != 0)
      return make_error(Errc::forbidden, "erasure receipts are signed by a node key");
    return decode_erasure_receipt(tx.payload).status();
  };
  rules.apply = [](TxContext& ctx) -> Status {
    auto rc = decode_erasure_receipt(ctx.tx.payload);
    if (!rc) return rc.error();
    auto node_key = public_key_from_did_key(ctx.tx.signer);
    if (!node_key || !ctx.state.get(node_key_state_key(*node_key)))
      return make_error(Errc::forbidden,
                        "erasure receipts are signed by the key of a member's node");
    const std::string record = rc->record.hex().substr(0, 16);
    auto t = load_erasure_tombstone(ctx.state, rc->record);
    if (!t) return t.error();
    if (!*t) return make_error(Errc::not_found, "record " + record + " is not erased");
    if ((*t)->erase_tx != rc->erase_tx)
      return make_error(Errc::invalid_argument,
                        "record " + record + " was erased by another transaction");
    if (rc->done_height < (*t)->height || rc->done_height > ctx.height)
      return make_error(Errc::invalid_argument,
                        "the receipt's height is not between the erasure and this block");
    auto existing = load_erasure_receipt(ctx.state, rc->record, *node_key);
    if (!existing) return existing.error();
    if (*existing)
      return make_error(Errc::conflict, "this node key already confirmed the erasure of record " +
                                            record + " at height " +
                                            std::to_string((*existing)->height));
    ErasureReceiptState s{std::move(*rc), ctx.tx.signer, ctx.id, ctx.height, ctx.block_time_ms};
    ctx.state.put(erasure_receipt_key(s.receipt.record, *node_key),
                  encode_erasure_receipt_state(s));
    return Status::ok();
  };
  return rules;
}

}  // namespace pv
