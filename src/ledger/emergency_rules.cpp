#include "ledger/emergency_rules.hpp"

#include "ledger/org_state.hpp"
#include "ledger/record_key_envelope.hpp"
#include "ledger/signer.hpp"

namespace pv {
namespace {

std::string short_id(const Hash32& id) {
  return id.hex().substr(0, 16);
}

Status check_custodian(const StateView& state, const std::string& org) {
  PV_TRY(check_member_organization(state, org));
  auto record = load_organization(state, org);
  if (!record) return record.error();
  if (!*record || !role_may_issue_practitioner_credentials((*record)->role))
    return make_error(Errc::forbidden, "custodian " + org + " is not a provider organization");
  auto keys = current_keys_of(state, org);
  if (!keys) return make_error(keys.error().code, "custodian " + org + ": " + keys.error().message);
  return Status::ok();
}

}  // namespace

Status check_emergency_shares(const StateView& state, const RecordAnchor& a) {
  auto policy = load_emergency_policy(state, a.patient);
  if (!policy) return policy.error();
  const std::uint32_t epoch = emergency_epoch_of(a);
  if (!*policy) {
    if (epoch != 0)
      return make_error(Errc::invalid_argument,
                        "the patient has no emergency policy; send no emergency shares");
    return Status::ok();
  }
  const EmergencyPolicy& p = (*policy)->policy;
  if (epoch != p.epoch || emergency_share_count(a) != p.custodians.size())
    return make_error(Errc::conflict,
                      "the patient's emergency policy is at epoch " + std::to_string(p.epoch) +
                          " with " + std::to_string(p.custodians.size()) +
                          " custodians: split the data key into one share per custodian");
  // A version-2 anchor not opened from its envelope declares its shares only: the node that
  // admitted it checked their recipients.
  if (!a.emergency) return Status::ok();
  for (std::size_t i = 0; i < p.custodians.size(); ++i)
    PV_TRY(check_recipient(
        state, p.custodians[i], a.emergency->shares[i].recipient,
        "emergency share " + std::to_string(i + 1) + " (custodian " + p.custodians[i] + ")"));
  return Status::ok();
}

void record_emergency_event(TxContext& ctx, const AccessEvent& e, const RecordState& r) {
  EmergencyEventState s;
  s.record = e.record;
  s.patient = r.anchor.patient;
  s.reader = e.reader;
  s.organization = e.reader_organization;
  s.epoch = emergency_epoch_of(r.anchor);
  s.height = ctx.height;
  s.time_ms = ctx.block_time_ms;
  ctx.state.put(emergency_event_state_key(ctx.id), encode_emergency_event_state(s));
  index_append(ctx.state, emergency_events_list(), ctx.id);
}

TxTypeRules emergency_policy_rules() {
  TxTypeRules rules;
  rules.type = kTxTypeEmergencyPolicy;
  rules.name = "emergency-policy";
  rules.check_form = [](const Transaction& tx) -> Status {
    return decode_emergency_policy(tx.payload).status();
  };
  rules.apply = [](TxContext& ctx) -> Status {
    auto p = decode_emergency_policy(ctx.tx.payload);
    if (!p) return p.error();
    const std::string patient = nonce_owner(ctx.tx.signer);
    PV_TRY(check_person_did(patient));
    for (const auto& c : p->custodians) {
      if (c == patient)
        return make_error(Errc::invalid_argument, "a patient cannot be their own custodian");
      PV_TRY(check_custodian(ctx.state, c));
    }
    auto current = load_emergency_policy(ctx.state, patient);
    if (!current) return current.error();
    const std::uint32_t expected = *current ? (*current)->policy.epoch + 1 : 1;
    if (p->epoch != expected)
      return make_error(Errc::conflict,
                        "the next emergency policy epoch is " + std::to_string(expected));
    Bytes encoded = encode_emergency_policy_state({*p, ctx.height});
    ctx.state.put(emergency_policy_state_key(patient, p->epoch), encoded);
    ctx.state.put(emergency_policy_state_key(patient), std::move(encoded));
    return Status::ok();
  };
  return rules;
}

TxTypeRules emergency_release_rules() {
  TxTypeRules rules;
  rules.type = kTxTypeEmergencyRelease;
  rules.name = "emergency-release";
  rules.check_form = [](const Transaction& tx) -> Status {
    return decode_emergency_release(tx.payload).status();
  };
  rules.apply = [](TxContext& ctx) -> Status {
    auto rel = decode_emergency_release(ctx.tx.payload);
    if (!rel) return rel.error();
    const std::string custodian = nonce_owner(ctx.tx.signer);
    const std::string event = short_id(rel->event);
    auto ev = load_emergency_event(ctx.state, rel->event);
    if (!ev) return ev.error();
    if (!*ev)
      return make_error(Errc::not_found, "access event " + event +
                                             " is not a permitted emergency access on this ledger");
    const EmergencyEventState& e = **ev;
    if (ctx.block_time_ms > e.time_ms + kEmergencyReleaseWindowMs)
      return make_error(Errc::forbidden, "emergency access " + event +
                                             " is more than 24 hours old; shares are no longer "
                                             "released for it");
    if (e.epoch == 0)
      return make_error(Errc::not_found,
                        "the record of emergency access " + event + " has no emergency shares");
    if (rel->epoch != e.epoch)
      return make_error(Errc::invalid_argument, "the record's shares are of policy epoch " +
                                                    std::to_string(e.epoch) + ", not " +
                                                    std::to_string(rel->epoch));
    auto policy = load_emergency_policy(ctx.state, e.patient, e.epoch);
    if (!policy) return policy.error();
    if (!*policy)
      return make_error(Errc::corruption, "emergency policy epoch " + std::to_string(e.epoch) +
                                              " of the patient is missing");
    const auto& custodians = (*policy)->policy.custodians;
    if (rel->share > custodians.size() || custodians[rel->share - 1] != custodian)
      return make_error(Errc::forbidden, custodian + " is not the custodian of share " +
                                             std::to_string(rel->share) + " of this record");
    PV_TRY(check_member_organization(ctx.state, custodian));
    PV_TRY(check_recipient(ctx.state, e.reader, rel->recipient,
                           "the released share (it must be sealed to the emergency reader)"));
    const std::string key = emergency_release_state_key(rel->event, rel->share);
    if (ctx.state.get(key))
      return make_error(Errc::conflict, "share " + std::to_string(rel->share) +
                                            " was already released for emergency access " + event);
    EmergencyReleaseState s{*rel, custodian, ctx.id, ctx.height, ctx.block_time_ms};
    ctx.state.put(key, encode_emergency_release_state(s));
    return Status::ok();
  };
  return rules;
}

Status add_emergency_rules(TxRegistry& registry) {
  PV_TRY(registry.add(emergency_policy_rules()));
  return registry.add(emergency_release_rules());
}

}  // namespace pv
