// Rules of the consent-grant (31), consent-revoke (32) and category-key (34) types.

#include "ledger/consent_rules.hpp"

#include <set>

#include "ledger/consent_evm.hpp"
#include "ledger/consent_state.hpp"
#include "ledger/signer.hpp"

namespace pv {
namespace {

std::string short_id(const Hash32& id) {
  return id.hex().substr(0, 16);
}

// The record exists and is `patient`'s (and, for a category consent, of that category).
Status check_patient_record(const StateView& state, const RecordId& id, const std::string& patient,
                            const std::string* category) {
  auto record = load_record(state, id);
  if (!record) return record.error();
  if (!*record) return make_error(Errc::not_found, "no record " + short_id(id));
  if ((*record)->anchor.patient != patient)
    return make_error(Errc::forbidden, "record " + short_id(id) + " is not the signer's record");
  if (category && (*record)->anchor.category != *category)
    return make_error(Errc::invalid_argument,
                      "record " + short_id(id) + " is not of category " + *category);
  return Status::ok();
}

Status check_grant(const StateView& state, const ConsentGrant& g, const std::string& patient,
                   std::uint64_t now_ms) {
  if (g.grantee == patient)
    return make_error(Errc::invalid_argument, "a patient needs no consent for their own records");
  if (g.grantee_kind == GranteeKind::organization)
    PV_TRY(check_member_organization(state, g.grantee));
  if (g.not_after_ms <= now_ms)
    return make_error(Errc::invalid_argument, "the consent would already have ended");
  for (const auto& k : g.record_keys) {
    PV_TRY(check_patient_record(state, k.record, patient,
                                g.scope == ScopeKind::category ? &g.category : nullptr));
    // A version-2 grant's keys are in envelopes the block does not hold: the admitting node
    // checked their recipients (api/key_envelopes.hpp).
    if (k.key_envelope.empty())
      PV_TRY(check_recipient(state, g.grantee, k.key.recipient,
                             "the grantee's wrapped key of record " + short_id(k.record)));
  }
  if (g.scope == ScopeKind::category) {
    auto current = load_category_key(state, patient, g.category);
    if (!current) return current.error();
    if (!*current)
      return make_error(Errc::invalid_argument,
                        "publish a " + g.category + " category key before granting the category");
    if ((*current)->epoch != g.category_epoch)
      return make_error(Errc::conflict, "the " + g.category + " category key is at epoch " +
                                            std::to_string((*current)->epoch) +
                                            ", the grant seals epoch " +
                                            std::to_string(g.category_epoch));
    PV_TRY(check_recipient(state, g.grantee, g.category_secret->recipient,
                           "the grantee's category secret"));
  }
  return Status::ok();
}

}  // namespace

TxTypeRules consent_grant_rules() {
  TxTypeRules rules;
  rules.type = kTxTypeConsentGrant;
  rules.name = "consent-grant";
  rules.check_form = [](const Transaction& tx) -> Status {
    return decode_consent_grant(tx.payload).status();
  };
  rules.apply = [](TxContext& ctx) -> Status {
    auto g = decode_consent_grant(ctx.tx.payload);
    if (!g) return g.error();
    std::string patient = nonce_owner(ctx.tx.signer);
    PV_TRY(check_grant(ctx.state, *g, patient, ctx.block_time_ms));
    if (ctx.state.get(consent_state_key(ctx.id)))
      return make_error(Errc::conflict, "consent already granted");
    PV_TRY(contract_grant(ctx, *g, patient));
    index_append(ctx.state, index_key("con-patient", {patient}), ctx.id);
    index_append(ctx.state, index_key("con-grantee", {g->grantee}), ctx.id);
    index_append(ctx.state, index_key("con-pair", {patient, g->grantee}), ctx.id);
    if (g->scope == ScopeKind::category) {
      index_append(ctx.state, index_key("con-category", {patient, g->category}), ctx.id);
      ctx.state.put(category_secret_state_key(ctx.id, g->category_epoch),
                    encode_wrapped(*g->category_secret));
    }
    ConsentState c;
    c.grant = std::move(*g);
    c.patient = patient;
    c.height = ctx.height;
    c.time_ms = ctx.block_time_ms;
    ctx.state.put(consent_state_key(ctx.id), encode_consent_state(c));
    return Status::ok();
  };
  return rules;
}

TxTypeRules consent_revoke_rules() {
  TxTypeRules rules;
  rules.type = kTxTypeConsentRevoke;
  rules.name = "consent-revoke";
  rules.check_form = [](const Transaction& tx) -> Status {
    return decode_consent_revoke(tx.payload).status();
  };
  rules.apply = [](TxContext& ctx) -> Status {
    auto rv = decode_consent_revoke(ctx.tx.payload);
    if (!rv) return rv.error();
    auto loaded = load_consent(ctx.state, rv->consent);
    if (!loaded) return loaded.error();
    if (!*loaded) return make_error(Errc::not_found, "no consent " + short_id(rv->consent));
    ConsentState c = std::move(**loaded);
    if (c.patient != nonce_owner(ctx.tx.signer))
      return make_error(Errc::forbidden, "only the patient who granted consent " +
                                             short_id(rv->consent) + " can revoke it");
    if (c.revoked)
      return make_error(Errc::conflict, "consent " + short_id(rv->consent) +
                                            " was already revoked at height " +
                                            std::to_string(c.revoked_height));
    if (c.grant.not_after_ms <= ctx.block_time_ms)
      return make_error(Errc::conflict, "consent " + short_id(rv->consent) + " has already ended");
    PV_TRY(contract_revoke(ctx, rv->consent, c.patient));
    c.revoked = true;
    c.revoked_height = ctx.height;
    c.revoked_time_ms = ctx.block_time_ms;
    ctx.state.put(consent_state_key(rv->consent), encode_consent_state(c));
    return Status::ok();
  };
  return rules;
}

TxTypeRules category_key_rules() {
  TxTypeRules rules;
  rules.type = kTxTypeCategoryKey;
  rules.name = "category-key";
  rules.check_form = [](const Transaction& tx) -> Status {
    return decode_category_key_update(tx.payload).status();
  };
  rules.apply = [](TxContext& ctx) -> Status {
    auto u = decode_category_key_update(ctx.tx.payload);
    if (!u) return u.error();
    std::string patient = nonce_owner(ctx.tx.signer);
    auto current = load_category_key(ctx.state, patient, u->category);
    if (!current) return current.error();
    std::uint32_t expected = *current ? (*current)->epoch + 1 : 1;
    if (u->epoch != expected)
      return make_error(Errc::conflict, "the next " + u->category + " category key epoch is " +
                                            std::to_string(expected));
    // The new secret must reach exactly the grantees whose category consents have not ended.
    auto ids = index_read(ctx.state, index_key("con-category", {patient, u->category}));
    if (!ids) return ids.error();
    std::set<ConsentId> live;
    for (const auto& id : *ids) {
      auto c = load_consent(ctx.state, id);
      if (!c) return c.error();
      if (*c && !(*c)->revoked && (*c)->grant.not_after_ms > ctx.block_time_ms) live.insert(id);
    }
    std::set<ConsentId> given;
    for (const auto& g : u->grants) {
      if (!live.count(g.consent))
        return make_error(Errc::invalid_argument, "consent " + short_id(g.consent) +
                                                      " is not a live " + u->category +
                                                      " consent of the signer");
      auto c = load_consent(ctx.state, g.consent);
      if (!c) return c.error();
      PV_TRY(check_recipient(ctx.state, (*c)->grant.grantee, g.key.recipient,
                             "the category secret for consent " + short_id(g.consent)));
      given.insert(g.consent);
    }
    if (given != live)
      return make_error(Errc::invalid_argument,
                        "the new category key must be sealed to every live consent of the "
                        "category (" +
                            std::to_string(live.size()) + " live, " + std::to_string(given.size()) +
                            " given)");
    CategoryKeyState k{u->epoch, u->public_key, ctx.height};
    Bytes encoded = encode_category_key_state(k);
    ctx.state.put(category_key_version_state_key(patient, u->category, u->epoch), encoded);
    ctx.state.put(category_key_state_key(patient, u->category), std::move(encoded));
    for (const auto& g : u->grants)
      ctx.state.put(category_secret_state_key(g.consent, u->epoch), encode_wrapped(g.key));
    return Status::ok();
  };
  return rules;
}

}  // namespace pv
