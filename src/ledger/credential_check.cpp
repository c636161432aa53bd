#include "ledger/credential_check.hpp"

#include "base/time_text.hpp"
#include "ledger/signer.hpp"

namespace pv {

Result<PublicKey> StateCredentialLedger::issuer_key(std::string_view key_id) {
  if (key_id.rfind("did:key:", 0) == 0) return resolve_did_key_method(key_id);
  if (key_id.rfind("did:pv:", 0) == 0) return resolve_did_url_key(state_, key_id);
  return make_error(Errc::not_found,
                    "issuer key " + std::string(key_id) + " is neither did:key nor did:pv");
}

Result<std::optional<OrganizationRecord>> StateCredentialLedger::organization(
    const std::string& did) {
  return load_organization(state_, did);
}

Result<std::vector<CredentialRevocation>> StateCredentialLedger::revocations(
    const std::string& jti) {
  return load_credential_revocations(state_, jti);
}

Result<LedgerCredential> verify_credential_on_ledger(std::string_view jwt, CredentialLedger& ledger,
                                                     const RoleCredentialCheck& check) {
  auto resolve = [&ledger](std::string_view key_id) -> Result<PublicKey> {
    auto key = ledger.issuer_key(key_id);
    if (!key)
      return make_error(Errc::bad_signature,
                        "issuer key " + std::string(key_id) + ": " + key.error().message);
    return key;
  };
  auto credential = verify_role_credential(jwt, resolve, check);
  if (!credential) return credential.error();
  const std::string& issuer = credential->issuer;
  auto org = ledger.organization(issuer);
  if (!org) return org.error();
  if (!*org)
    return make_error(Errc::forbidden,
                      "issuer " + issuer + " is not a member organization of this network");
  if ((*org)->status == OrgStatus::removed)
    return make_error(Errc::forbidden, "issuer " + issuer +
                                           " was removed from the network at height " +
                                           std::to_string((*org)->changed_height));
  if (!role_may_issue_practitioner_credentials((*org)->role))
    return make_error(Errc::forbidden,
                      "issuer " + issuer + " has role \"" + (*org)->role +
                          "\", which may not issue practitioner credentials (only provider)");
  // A credential its issuer could never revoke is not accepted.
  if (auto s = check_credential_id(credential->id); !s)
    return make_error(Errc::malformed,
                      "credential id \"" + credential->id +
                          "\" could never be revoked on the ledger: " + s.error().message);
  auto revoked = ledger.revocations(credential->id);
  if (!revoked) return revoked.error();
  if (auto r = revocation_by(*revoked, issuer))
    return make_error(Errc::forbidden,
                      "credential " + credential->id + " was revoked by its issuer at height " +
                          std::to_string(r->height) + " (" + rfc3339_from_ms(r->time_ms) + ")");
  return LedgerCredential{std::move(*credential), std::move(**org)};
}

}  // namespace pv
