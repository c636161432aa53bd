#include "ledger/anchor_rules.hpp"

#include "codec/binary.hpp"
#include "ledger/anchor.hpp"

namespace pv {

std::string anchor_state_key(const Hash32& document_hash) { return "anchor/" + document_hash.hex(); }

Bytes encode_anchor_record(const AnchorRecord& r) {
  BinaryWriter w;
  w.fixed(r.tx);
  w.u64(r.height);
  w.var(r.signer);
  return w.take();
}

Result<AnchorRecord> decode_anchor_record(ByteView b) {
  BinaryReader r(b);
  AnchorRecord out;
  auto tx = r.fixed<32>("anchor tx");
  if (!tx) return tx.error();
  auto height = r.u64("anchor height");
  if (!height) return height.error();
  auto signer = r.text(kMaxSignerBytes, "anchor signer");
  if (!signer) return signer.error();
  PV_TRY(r.expect_end("anchor record"));
  out.tx = *tx;
  out.height = *height;
  out.signer = *signer;
  return out;
}

TxTypeRules anchor_rules() {
  TxTypeRules rules;
  rules.type = kTxTypeAnchor;
  rules.name = "anchor";
  rules.check_form = [](const Transaction& tx) -> Status { return decode_anchor(tx.payload).status(); };
  rules.apply = [](TxContext& ctx) -> Status {
    auto anchor = decode_anchor(ctx.tx.payload);
    if (!anchor) return anchor.error();
    std::string key = anchor_state_key(anchor->document_hash);
    if (auto existing = ctx.state.get(key)) {
      auto rec = decode_anchor_record(*existing);
      std::string when = rec ? " at height " + std::to_string(rec->height) : "";
      return make_error(Errc::conflict, "document already anchored" + when);
    }
    ctx.state.put(key, encode_anchor_record({ctx.id, ctx.height, ctx.tx.signer}));
    return Status::ok();
  };
  return rules;
}

}  // namespace pv
