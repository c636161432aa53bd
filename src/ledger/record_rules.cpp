// Rules of the record-anchor (30) and access-event (33) types.

#include "codec/did_key.hpp"
#include "ledger/consent_evm.hpp"
#include "ledger/consent_rules.hpp"
#include "ledger/consent_state.hpp"
#include "ledger/contract_version.hpp"
#include "ledger/emergency_rules.hpp"
#include "ledger/erasure/erasure_rules.hpp"
#include "ledger/org_state.hpp"
#include "ledger/record_key_envelope.hpp"
#include "ledger/signer.hpp"

namespace pv {

TxTypeRules record_anchor_rules() {
  TxTypeRules rules;
  rules.type = kTxTypeRecordAnchor;
  rules.name = "record-anchor";
  rules.check_form = [](const Transaction& tx) -> Status {
    return decode_record_anchor(tx.payload).status();
  };
  rules.apply = [](TxContext& ctx) -> Status {
    auto a = decode_record_anchor(ctx.tx.payload);
    if (!a) return a.error();
    std::string author = nonce_owner(ctx.tx.signer);
    PV_TRY(check_member_organization(ctx.state, a->organization));
    PV_TRY(check_anchor_patient_allowed(ctx.state, a->patient));
    // A version-2 anchor's keys are in its envelope, which the block does not hold: the block
    // checks what the anchor declares; the node that admitted it checked the recipients.
    if (has_key_envelope(*a))
      PV_TRY(check_key_declarations(ctx.state, *a));
    else
      PV_TRY(check_record_keys(ctx.state, *a, author));
    if (ctx.state.get(record_state_key(ctx.id)))
      return make_error(Errc::conflict, "record already anchored");
    // The consent contract learns the record's patient, author and category.
    PV_TRY(contract_anchor_record(ctx, *a, author));
    RecordState record{std::move(*a), author, ctx.height, ctx.block_time_ms};
    index_append(ctx.state, index_key("rec-patient", {record.anchor.patient}), ctx.id);
    ctx.state.put(record_state_key(ctx.id), encode_record_state(record));
    return Status::ok();
  };
  return rules;
}

TxTypeRules access_event_rules() {
  TxTypeRules rules;
  rules.type = kTxTypeAccessEvent;
  rules.name = "access-event";
  rules.check_form = [](const Transaction& tx) -> Status {
    if (tx.signer.rfind("did:key:", 0) != 0)
      return make_error(Errc::forbidden, "access events are signed by a node key");
    return decode_access_event(tx.payload).status();
  };
  rules.apply = [](TxContext& ctx) -> Status {
    auto e = decode_access_event(ctx.tx.payload);
    if (!e) return e.error();
    auto node_key = public_key_from_did_key(ctx.tx.signer);
    if (!node_key || !ctx.state.get(node_key_state_key(*node_key)))
      return make_error(Errc::forbidden, "access events are signed by the key of a member's node");
    if (e->decided_height > ctx.height)
      return make_error(Errc::invalid_argument,
                        "the decision names a height the ledger has not reached");
    if (!e->contract_code.is_zero() && !code_hash_was_in_force(ctx.state, e->contract_code))
      return make_error(Errc::invalid_argument, "the decision names consent contract code " +
                                                    e->contract_code.hex().substr(0, 16) +
                                                    " that has never been in force on this ledger");
    auto record = load_record(ctx.state, e->record);
    if (!record) return record.error();
    if (!*record && e->outcome == AccessOutcome::permitted)
      return make_error(Errc::invalid_argument, "a permitted access names an anchored record");
    if (*record) {
      const RecordState& r = **record;
      if (e->basis == AccessBasis::patient && e->reader != r.anchor.patient)
        return make_error(Errc::invalid_argument,
                          "basis patient, but the reader is not the record's patient");
      if (e->basis == AccessBasis::author && e->reader != r.author)
        return make_error(Errc::invalid_argument,
                          "basis author, but the reader is not the record's author");
      if (e->basis == AccessBasis::consent) {
        auto consent = load_consent(ctx.state, e->consent);
        if (!consent) return consent.error();
        if (!*consent || (*consent)->patient != r.anchor.patient)
          return make_error(Errc::invalid_argument,
                            "basis consent names no consent of the record's patient");
      }
      index_append(ctx.state, index_key("acc-patient", {r.anchor.patient}), ctx.id);
      index_append(ctx.state, index_key("acc-record", {e->record.hex()}), ctx.id);
      if (e->outcome == AccessOutcome::permitted && e->basis == AccessBasis::emergency)
        record_emergency_event(ctx, *e, r);
    }
    index_append(ctx.state, index_key("acc-reader", {e->reader}), ctx.id);
    return Status::ok();
  };
  return rules;
}

Status add_consent_rules(TxRegistry& registry) {
  PV_TRY(registry.add(record_anchor_rules()));
  PV_TRY(registry.add(consent_grant_rules()));
  PV_TRY(registry.add(consent_revoke_rules()));
  PV_TRY(registry.add(access_event_rules()));
  return registry.add(category_key_rules());
}

}  // namespace pv
