#pragma once
// The break-glass claim a node accepts with a read (docs/consent.md section 8.1): a role
// credential (VC-JWT) that passes every check against the ledger at the node's current state
// (ledger/credential_check.hpp: signature, issuer a member provider, not revoked, in its
// validity window), whose subject is the reader who signed the request, and whose role is
// `emergency-clinician`.

#include <string_view>

#include "ledger/consent_contract.hpp"

namespace pv {

inline constexpr std::string_view kEmergencyClinicianRole = "emergency-clinician";

// The claim for the contract (issuing organization, SHA-256 of the credential as presented), or
// why the credential is refused: the error of the failing check, Errc::forbidden for a
// credential of someone else or of another role.
[[nodiscard]] Result<EmergencyClaim> verify_emergency_credential(const StateView& state,
                                                                 std::string_view jwt,
                                                                 const std::string& reader,
                                                                 std::uint64_t now_ms);

}  // namespace pv
