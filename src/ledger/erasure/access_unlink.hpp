#pragma once
// The access events of an erased record leave the patient's access list (docs/erasure.md,
// "Transactions"): the list "ix/acc-patient/<patient>" would otherwise keep tying her to the
// events, whose transactions name the record. The reader's list ("ix/acc-reader/<reader>") stays:
// it is the reading organization's own audit trail and names no patient. Deterministic,
// consensus-critical.

#include "ledger/consent_state.hpp"

namespace pv {

// Empties the entries of `record`'s access events in `patient`'s access list and deletes the
// record's own list ("ix/acc-record/<record>"). Returns how many entries of the patient's list
// were emptied.
[[nodiscard]] Result<std::uint64_t> unlink_access_events(StateOverlay& state,
                                                         const RecordId& record,
                                                         const std::string& patient);

}  // namespace pv
