#pragma once
// Attestations as the ledger state holds them. Written only by the rules in
// ledger/attestation_rules.hpp; read by them, by the node's routes and by verifiers.
//
// State keys (ids in lower-case hex):
//   "attestation/<id>"                          AttestationState
//   "ix/attestation-by-patient/<patient>"       u64 count, then "/<seq>" the attestation ids
// Every change is a state change of its block, so the chained state digest covers it.

#include <optional>
#include <string>

#include "ledger/attestation_payloads.hpp"
#include "ledger/state.hpp"

namespace pv {

struct AttestationState {
  AttestationIssue issue;
  std::string issuer;       // the issuer of record: a member organization at `height` (the signer,
                            // or the organization whose credential the signing practitioner holds)
  std::string attested_by;  // the practitioner who signed (issue.credential's subject), or empty
  std::uint64_t height = 0, time_ms = 0;
  bool revoked = false;
  std::uint64_t revoked_height = 0, revoked_time_ms = 0;
  std::string revoked_by;  // the DID that revoked it
  AttestationRevokeReason revoke_reason = AttestationRevokeReason::unspecified;
  friend bool operator==(const AttestationState&, const AttestationState&) = default;
};

std::string attestation_state_key(const AttestationId& id);
// The list of a patient's attestation ids (consent_state.hpp's index functions read it).
std::string attestations_of_patient_list(const std::string& patient);

Bytes encode_attestation_state(const AttestationState& s);
[[nodiscard]] Result<AttestationState> decode_attestation_state(ByteView b);

// nullopt when absent; Errc::corruption when present and undecodable.
[[nodiscard]] Result<std::optional<AttestationState>> load_attestation(const StateView& state,
                                                                       const AttestationId& id);

}  // namespace pv
