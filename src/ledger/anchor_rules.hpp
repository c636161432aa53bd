#pragma once
// Validity rules of the document anchor (see anchor.hpp): the first anchor of a hash wins; a
// second anchor of the same hash is refused, so "anchored at" is a single, provable time.

#include "ledger/tx_registry.hpp"

namespace pv {

TxTypeRules anchor_rules();

std::string anchor_state_key(const Hash32& document_hash);

// State value of an anchor: the anchoring transaction id, height and signer.
struct AnchorRecord {
  TxId tx;
  std::uint64_t height = 0;
  std::string signer;
};
Bytes encode_anchor_record(const AnchorRecord& r);
[[nodiscard]] Result<AnchorRecord> decode_anchor_record(ByteView b);

}  // namespace pv
