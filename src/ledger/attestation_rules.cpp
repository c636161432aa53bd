#include "ledger/attestation_rules.hpp"

#include "ledger/consent_state.hpp"
#include "ledger/credential_check.hpp"
#include "ledger/org_state.hpp"
#include "ledger/signer.hpp"

namespace pv {

bool role_may_attest(std::string_view role) {
  return role == "provider" || role == "lab";
}

Result<std::string> check_practitioner_issuer(const StateView& state, std::string_view credential,
                                              const std::string& signer,
                                              std::uint64_t block_time_ms) {
  StateCredentialLedger ledger(state);
  RoleCredentialCheck check;
  check.now = static_cast<std::int64_t>(block_time_ms / 1000);
  check.form = RoleCredentialForm::ledger;
  auto accepted = verify_credential_on_ledger(credential, ledger, check);
  if (!accepted)
    return make_error(accepted.error().code,
                      "the practitioner's credential is not accepted: " + accepted.error().message);
  if (accepted->credential.subject != signer)
    return make_error(Errc::forbidden, "the credential was issued to " +
                                           accepted->credential.subject + ", not to the signer " +
                                           signer);
  return accepted->credential.issuer;
}

TxTypeRules attestation_issue_rules() {
  TxTypeRules rules;
  rules.type = kTxTypeAttestationIssue;
  rules.name = "attestation-issue";
  rules.check_form = [](const Transaction& tx) -> Status {
    return decode_attestation_issue(tx.payload).status();
  };
  rules.apply = [](TxContext& ctx) -> Status {
    auto a = decode_attestation_issue(ctx.tx.payload);
    if (!a) return a.error();
    const std::string signer = nonce_owner(ctx.tx.signer);
    std::string issuer = signer, attested_by;
    if (!a->credential.empty()) {
      auto accepted =
          check_practitioner_issuer(ctx.state, a->credential, signer, ctx.block_time_ms);
      if (!accepted) return accepted.error();
      issuer = std::move(*accepted);
      attested_by = signer;
    }
    auto org = load_member_organization(ctx.state, issuer);
    if (!org)
      return make_error(Errc::forbidden,
                        "the issuer " + issuer + " may not attest: " + org.error().message);
    if (!role_may_attest(org->role))
      return make_error(Errc::forbidden, "the issuer " + issuer + " has role \"" + org->role +
                                             "\"; only provider and lab organizations attest");
    if (a->patient == issuer || a->patient == signer)
      return make_error(Errc::invalid_argument, "an issuer cannot attest about itself");
    PV_TRY(check_recipient(ctx.state, a->patient, a->openings_key.recipient,
                           "the openings key (it must be sealed to the patient)"));
    const std::string key = attestation_state_key(ctx.id);
    if (ctx.state.get(key)) return make_error(Errc::conflict, "attestation already recorded");
    AttestationState s;
    s.issue = std::move(*a);
    s.issuer = std::move(issuer);
    s.attested_by = std::move(attested_by);
    s.height = ctx.height;
    s.time_ms = ctx.block_time_ms;
    index_append(ctx.state, attestations_of_patient_list(s.issue.patient), ctx.id);
    ctx.state.put(key, encode_attestation_state(s));
    return Status::ok();
  };
  return rules;
}

TxTypeRules attestation_revoke_rules() {
  TxTypeRules rules;
  rules.type = kTxTypeAttestationRevoke;
  rules.name = "attestation-revoke";
  rules.check_form = [](const Transaction& tx) -> Status {
    return decode_attestation_revoke(tx.payload).status();
  };
  rules.apply = [](TxContext& ctx) -> Status {
    auto rv = decode_attestation_revoke(ctx.tx.payload);
    if (!rv) return rv.error();
    const std::string who = nonce_owner(ctx.tx.signer);
    const std::string id = rv->attestation.hex().substr(0, 16);
    auto current = load_attestation(ctx.state, rv->attestation);
    if (!current) return current.error();
    if (!*current)
      return make_error(Errc::not_found, "attestation " + id + " is not on this ledger");
    AttestationState s = std::move(**current);
    if (who != s.issuer)
      return make_error(Errc::forbidden,
                        "only the issuer " + s.issuer + " may revoke attestation " + id);
    if (s.revoked)
      return make_error(Errc::conflict, "attestation " + id + " was already revoked at height " +
                                            std::to_string(s.revoked_height));
    s.revoked = true;
    s.revoked_height = ctx.height;
    s.revoked_time_ms = ctx.block_time_ms;
    s.revoked_by = who;
    s.revoke_reason = rv->reason;
    ctx.state.put(attestation_state_key(rv->attestation), encode_attestation_state(s));
    return Status::ok();
  };
  return rules;
}

Status add_attestation_rules(TxRegistry& registry) {
  PV_TRY(registry.add(attestation_issue_rules()));
  return registry.add(attestation_revoke_rules());
}

}  // namespace pv
