#pragma once
// Key envelopes on the node (ledger/record_key_envelope.hpp; docs/erasure.md, "Key envelopes"):
// the sealed keys of version-2 record anchors and consent grants are raw blocks of the content
// store, never part of a transaction.
//
//  - Admission (POST /v1/tx): a version-2 anchor or grant is accepted only once every envelope it
//    names is on this node, decodes, is the one the transaction describes, seals its keys to the
//    right recipients (the checks the block rules make on version-1 keys), and is pinned here and
//    replicated like the record's content. Errors name the envelope and what to do.
//  - Serving: the views and the consented read fill the keys from the envelopes, read through the
//    node's content store (with the cluster's fall-back to peers).

#include "api/routes.hpp"
#include "ledger/consent_state.hpp"
#include "ledger/record_key_envelope.hpp"
#include "ledger/transaction.hpp"

namespace pv::api {

// Reads an envelope from the node's content store and checks it against its CID.
KeyEnvelopeReader key_envelope_reader(ApiContext& ctx);

// `record` with its anchor's keys filled (a version-1 anchor is returned as it is).
[[nodiscard]] Result<RecordState> with_opened_keys(ApiContext& ctx, RecordState record);

// True when `tx`'s signature verifies against its signer's key in the node's state. The
// admission checks that make this node check, pin, fetch or replicate anything (envelopes here,
// content in check_anchor_replication) run only for such transactions: a forgery is left to the
// node, which refuses it with that reason.
[[nodiscard]] bool signed_by_its_signer(ApiContext& ctx, const Transaction& tx);

// The admission check of the envelopes of `encoded_tx` (any other transaction passes).
[[nodiscard]] Status check_key_envelopes(ApiContext& ctx, ByteView encoded_tx);

}  // namespace pv::api
