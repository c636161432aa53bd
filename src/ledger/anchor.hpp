#pragma once
// The document anchor transaction (type 1): proof that a document with this SHA-256 existed no
// later than the block that commits it. Carries only the hash: no personal data on the ledger.

#include "ledger/transaction.hpp"

namespace pv {

inline constexpr TxType kTxTypeAnchor = 1;

struct DocumentAnchor {
  Hash32 document_hash;  // SHA-256 of the document
};

// Payload: u8 hash algorithm (1 = SHA-256), then the 32-byte hash.
Bytes encode_anchor(const DocumentAnchor& anchor);
[[nodiscard]] Result<DocumentAnchor> decode_anchor(ByteView payload);

}  // namespace pv
