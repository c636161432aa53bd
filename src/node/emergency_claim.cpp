#include "node/emergency_claim.hpp"

#include "crypto/sha256.hpp"
#include "ledger/credential_check.hpp"

namespace pv {

Result<EmergencyClaim> verify_emergency_credential(const StateView& state, std::string_view jwt,
                                                   const std::string& reader,
                                                   std::uint64_t now_ms) {
  StateCredentialLedger ledger(state);
  RoleCredentialCheck check;
  check.now = static_cast<std::int64_t>(now_ms / 1000);
  auto accepted = verify_credential_on_ledger(jwt, ledger, check);
  if (!accepted) return accepted.error();
  const RoleCredential& c = accepted->credential;
  if (c.subject != reader)
    return make_error(Errc::forbidden, "the credential was issued to " + c.subject +
                                           ", not to the reader " + reader);
  if (c.role != kEmergencyClinicianRole)
    return make_error(Errc::forbidden, "the credential's role is \"" + c.role + "\", not \"" +
                                           std::string(kEmergencyClinicianRole) + "\"");
  return EmergencyClaim{c.issuer, sha256(as_bytes(jwt))};
}

}  // namespace pv
