#pragma once
// The state changes of a record's erasure (docs/erasure.md, "Transactions"): everything the state
// holds that carries the record's keys or links the record to its patient goes. Deterministic,
// consensus-critical: every node computes the same deletions from the same state.

#include "ledger/consent_state.hpp"

namespace pv {

struct UnlinkCounts {
  std::uint32_t key_slots = 0;         // wrapped keys and emergency shares deleted
  std::uint32_t index_entries = 0;     // index entries emptied
  std::uint32_t consents_removed = 0;  // records consents that named only this record
  std::vector<ConsentId> removed_consents;  // their ids
  // The key envelopes (binary CIDs) that held the record's keys: the anchor's (version 2) and
  // each version-2 consent grant's for this record. Their bytes are in content stores, which
  // each node's eraser clears.
  std::vector<Bytes> key_envelopes;
};

// Deletes `record`'s state ("rec/<id>", which holds the anchor with its wrapped keys and
// emergency shares), its entry in the patient's record list, its key grants in every consent of
// the patient (a records consent left with no record is deleted with its index entries), and
// every emergency event on it with its released shares; then the consent contract forgets the
// record and its place in the records consents that named it (forget_record_in_contract, run
// at `height` and `time_ms`, the block's): a contract failure fails the unlinking, while code
// in force without forgetRecord leaves the contract's storage as it is. REQUIRES: `r` is the
// record's state.
[[nodiscard]] Result<UnlinkCounts> unlink_record(StateOverlay& state, const RecordId& record,
                                                 const RecordState& r, std::uint64_t height,
                                                 std::uint64_t time_ms);

}  // namespace pv
