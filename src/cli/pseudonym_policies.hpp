#pragma once
// Break-glass for records under a patient's pseudonyms (docs/erasure.md, "Pseudonymous records"):
// each pseudonym carries the patient's own emergency policy (custodians and threshold), signed by
// the pseudonym, so that authors split the keys of records anchored under it among the same
// custodians. Used when pseudonyms are issued, and when the patient sets up or changes her policy
// later (`pv emergency setup`), so that pseudonyms issued before it are covered too.

#include <chrono>
#include <vector>

#include "cli/acting.hpp"
#include "identity/pseudonym_store.hpp"
#include "ledger/emergency_payloads.hpp"

namespace pv::cli {

// Gives each of `pseudonyms` `policy`'s custodians and threshold: one emergency-policy
// transaction per pseudonym whose own policy differs (its next epoch), none for one that already
// has them. Returns how many were committed.
[[nodiscard]] Result<std::size_t> give_pseudonyms_policy(
    api::NodeClient& client, const Actor& owner, const PseudonymStore& store,
    const std::vector<PseudonymEntry>& pseudonyms, const EmergencyPolicy& policy,
    std::chrono::milliseconds timeout);

}  // namespace pv::cli
