// Rule of the record-erase type (37).

#include "ledger/consent_state.hpp"
#include "ledger/erasure/erasure_rules.hpp"
#include "ledger/erasure/erasure_state.hpp"
#include "ledger/erasure/record_unlink.hpp"
#include "ledger/signer.hpp"

namespace pv {
namespace {

std::string short_id(const Hash32& id) {
  return id.hex().substr(0, 16);
}

// Who erases: the holder, or an officer of the record's author organization.
Status check_eraser(TxContext& ctx, const RecordErase& e, const RecordState& r,
                    ErasureTombstone& t) {
  const std::string signer = nonce_owner(ctx.tx.signer);
  if (e.credential.empty()) {
    if (signer != r.anchor.patient)
      return make_error(Errc::forbidden,
                        "only the record's patient or a data-protection officer of its author "
                        "organization may erase record " +
                            short_id(e.record) + ": the signer is not the holder");
    t.by = ErasedBy::holder;
    return Status::ok();
  }
  auto org = check_officer_credential(ctx.state, e.credential, signer, kDataProtectionOfficerRole,
                                      ctx.block_time_ms);
  if (!org) return org.error();
  if (*org != r.anchor.organization)
    return make_error(Errc::forbidden, "the officer's organization " + *org +
                                           " did not author record " + short_id(e.record) + " (" +
                                           r.anchor.organization + " did)");
  t.by = ErasedBy::officer;
  t.officer_organization = std::move(*org);
  return Status::ok();
}

}  // namespace

TxTypeRules record_erase_rules() {
  TxTypeRules rules;
  rules.type = kTxTypeRecordErase;
  rules.name = "record-erase";
  rules.check_form = [](const Transaction& tx) -> Status {
    return decode_record_erase(tx.payload).status();
  };
  rules.apply = [](TxContext& ctx) -> Status {
    auto e = decode_record_erase(ctx.tx.payload);
    if (!e) return e.error();
    auto erased = load_erasure_tombstone(ctx.state, e->record);
    if (!erased) return erased.error();
    if (*erased)
      return make_error(Errc::conflict, "record " + short_id(e->record) +
                                            " is already erased at height " +
                                            std::to_string((*erased)->height));
    auto record = load_record(ctx.state, e->record);
    if (!record) return record.error();
    if (!*record) return make_error(Errc::not_found, "no record " + short_id(e->record));
    ErasureTombstone t;
    PV_TRY(check_eraser(ctx, *e, **record, t));
    auto holds = load_legal_holds(ctx.state, e->record);
    if (!holds) return holds.error();
    if (!holds->empty()) return make_error(Errc::conflict, legal_hold_verdict(holds->front()));
    auto unlinked = unlink_record(ctx.state, e->record, **record, ctx.height, ctx.block_time_ms);
    if (!unlinked) return unlinked.error();
    t.erase_tx = ctx.id;
    t.height = ctx.height;
    t.time_ms = ctx.block_time_ms;
    t.record_organization = (*record)->anchor.organization;
    t.reason = e->reason;
    t.cid = (*record)->anchor.cid;
    t.key_slots = unlinked->key_slots;
    // The anchor's and one per consent grant that named the record.
    if (unlinked->key_envelopes.size() > 0xffff)
      return make_error(Errc::conflict, "the record's keys are in more than 65,535 key envelopes");
    t.key_envelopes = std::move(unlinked->key_envelopes);
    ctx.state.put(erasure_tombstone_key(e->record), encode_erasure_tombstone(t));
    ctx.state.put(erased_cid_key(t.cid), Bytes(e->record.bytes.begin(), e->record.bytes.end()));
    for (const auto& envelope : t.key_envelopes)
      ctx.state.put(erased_cid_key(envelope),
                    Bytes(e->record.bytes.begin(), e->record.bytes.end()));
    index_append(ctx.state, erased_records_list(), e->record);
    return Status::ok();
  };
  return rules;
}

Status add_erasure_rules(TxRegistry& registry) {
  PV_TRY(registry.add(record_erase_rules()));
  PV_TRY(registry.add(legal_hold_rules()));
  PV_TRY(registry.add(pseudonyms_only_rules()));
  return registry.add(erasure_receipt_rules());
}

}  // namespace pv
