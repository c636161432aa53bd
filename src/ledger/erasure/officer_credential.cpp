#include "ledger/credential_check.hpp"
#include "ledger/erasure/erasure_rules.hpp"

namespace pv {

Result<std::string> check_officer_credential(const StateView& state, std::string_view credential,
                                             const std::string& signer, std::string_view role,
                                             std::uint64_t block_time_ms) {
  StateCredentialLedger ledger(state);
  RoleCredentialCheck check;
  check.now = static_cast<std::int64_t>(block_time_ms / 1000);
  check.form = RoleCredentialForm::ledger;
  auto accepted = verify_credential_on_ledger(credential, ledger, check);
  if (!accepted)
    return make_error(accepted.error().code,
                      "the officer's credential is not accepted: " + accepted.error().message);
  const RoleCredential& c = accepted->credential;
  if (c.subject != signer)
    return make_error(Errc::forbidden, "the credential was issued to " + c.subject +
                                           ", not to the signer " + signer);
  if (c.role != role)
    return make_error(Errc::forbidden, "the credential's role is \"" + c.role + "\", not \"" +
                                           std::string(role) + "\"");
  return c.issuer;
}

}  // namespace pv
