#include "ledger/consent_contract.hpp"

#include <algorithm>

#include "ledger/consent_state.hpp"

namespace pv {
namespace {

AccessDecision refuse(std::string reason) {
  AccessDecision d;
  d.reason = std::move(reason);
  return d;
}

AccessDecision permit(AccessBasis basis) {
  AccessDecision d;
  d.permitted = true;
  d.basis = basis;
  return d;
}

std::string short_id(const Hash32& id) {
  return id.hex().substr(0, 16);
}

// How far a consent got towards matching; the furthest refusal is the one reported.
struct Candidate {
  int stage = -1;
  std::string reason;
};

// Checks one consent against the request for a record of `record_category` (read only for a
// consent scoped by category). Returns the stage reached (5 = permits).
int evaluate(const ConsentId& id, const ConsentState& c, std::string_view record_category,
             const AccessRequest& req, std::string& reason) {
  const ConsentGrant& g = c.grant;
  const std::string name = "consent " + short_id(id);
  bool in_scope = g.scope == ScopeKind::records
                      ? std::binary_search(g.records.begin(), g.records.end(), req.record)
                      : g.category == record_category;
  if (!in_scope) {
    reason = g.scope == ScopeKind::records ? name + " does not cover this record"
                                           : name + " covers category " + g.category + ", not " +
                                                 std::string(record_category);
    return 0;
  }
  if (!(g.actions & static_cast<std::uint8_t>(req.action))) {
    reason = name + " allows " + consent_action_codes(g.actions) + ", not " +
             std::string(consent_action_code(req.action));
    return 1;
  }
  if (!std::binary_search(g.purposes.begin(), g.purposes.end(), req.purpose)) {
    std::string granted;
    for (const auto& p : g.purposes) granted += (granted.empty() ? "" : ",") + p;
    reason = name + " is for purpose " + granted + ", not " + req.purpose;
    return 2;
  }
  if (c.revoked) {
    reason = name + " was revoked at height " + std::to_string(c.revoked_height);
    return 3;
  }
  if (req.time_ms < g.not_before_ms) {
    reason = name + " is not valid before " + std::to_string(g.not_before_ms) + " ms";
    return 4;
  }
  if (req.time_ms >= g.not_after_ms) {
    reason = name + " expired at " + std::to_string(g.not_after_ms) + " ms";
    return 4;
  }
  return 5;
}

}  // namespace

AccessDecision LedgerConsentContract::decide(const StateView& state,
                                             const AccessRequest& req) const {
  if (!is_known_purpose(req.purpose))
    return refuse("unknown purpose of use \"" + req.purpose + "\"");
  auto loaded = load_record(state, req.record);
  if (!loaded) return refuse("cannot read the record: " + loaded.error().message);
  if (!*loaded) return refuse("no record " + short_id(req.record));
  const RecordState& record = **loaded;
  if (req.reader == record.anchor.patient) return permit(AccessBasis::patient);
  if (req.reader == record.author) return permit(AccessBasis::author);

  // Grantees the reader may act as: itself, then each organization vouching for it that is a
  // current member.
  std::vector<std::pair<std::string, std::string>> grantees = {{req.reader, ""}};
  Candidate best;
  for (const auto& org : req.reader_organizations) {
    if (auto s = check_member_organization(state, org); !s) {
      if (best.stage < 0) best = {0, s.error().message};
      continue;
    }
    grantees.emplace_back(org, org);
  }
  for (const auto& [grantee, via] : grantees) {
    auto ids = index_read(state, index_key("con-pair", {record.anchor.patient, grantee}));
    if (!ids) return refuse("cannot read consents: " + ids.error().message);
    for (const auto& id : *ids) {
      auto c = load_consent(state, id);
      if (!c || !*c) return refuse("cannot read consent " + short_id(id));
      std::string reason;
      int stage = evaluate(id, **c, record.anchor.category, req, reason);
      if (stage == 5) {
        AccessDecision d = permit(AccessBasis::consent);
        d.consent = id;
        d.organization = via;
        return d;
      }
      if (stage > best.stage) best = {stage, std::move(reason)};
    }
  }
  if (req.emergency) {
    if (req.purpose != kEmergencyPurpose)
      return refuse("emergency access is for purpose ETREAT only");
    if (req.action != ConsentAction::access)
      return refuse("emergency access allows the access action only");
    if (auto s = check_member_organization(state, req.emergency->organization); !s)
      return refuse("emergency credential: " + s.error().message);
    AccessDecision d = permit(AccessBasis::emergency);
    d.organization = req.emergency->organization;
    return d;
  }
  if (best.stage < 0) return refuse("no consent from the patient covers " + req.reader);
  return refuse(std::move(best.reason));
}

std::string consent_refusal_reason(const StateView& state, const ConsentId& id,
                                   const AccessRequest& req) {
  // The record itself matters only to a consent scoped by category; for one that lists its
  // records, that the record exists is enough (decoding it checks every DID in its anchor, the
  // larger part of this function's time when it was loaded for every refusal).
  auto c = load_consent(state, id);
  std::string category;
  if (c && *c && (*c)->grant.scope == ScopeKind::category) {
    auto record = load_record(state, req.record);
    if (!record || !*record) return "no record " + short_id(req.record);
    category = (*record)->anchor.category;
  } else if (!state.get(record_state_key(req.record))) {
    return "no record " + short_id(req.record);
  }
  if (!c || !*c) return "cannot read consent " + short_id(id);
  std::string reason;
  if (evaluate(id, **c, category, req, reason) == 5) return "consent " + short_id(id) + " permits";
  return reason;
}

AccessEvent access_event_for(const AccessRequest& req, const AccessDecision& d,
                             std::uint64_t height) {
  AccessEvent e;
  e.reader = req.reader;
  e.reader_organization = d.organization;
  e.record = req.record;
  e.action = req.action;
  e.purpose = req.purpose;
  e.decided_height = height;
  e.outcome = d.permitted ? AccessOutcome::permitted : AccessOutcome::refused;
  e.basis = d.permitted ? d.basis : AccessBasis::none;
  if (d.basis == AccessBasis::consent) e.consent = d.consent;
  if (d.basis == AccessBasis::emergency && req.emergency) e.credential = req.emergency->credential;
  if (!d.permitted) e.reason = d.reason.substr(0, kMaxAccessReasonBytes);
  e.contract_code = d.code_hash;
  return e;
}

}  // namespace pv

namespace pv {

Result<ReaderKeys> reader_keys(const StateView& state, const RecordId& id, const AccessDecision& d,
                               const KeyEnvelopeReader& read_envelope) {
  if (!d.permitted) return make_error(Errc::invalid_argument, "the read was refused: " + d.reason);
  auto loaded = load_record(state, id);
  if (!loaded) return loaded.error();
  if (!*loaded) return make_error(Errc::not_found, "no record " + short_id(id));
  RecordState& record = **loaded;
  // A consent's own key for the record is all a consented reader needs from the anchor unless
  // the grant names none: open the anchor's envelope only when its keys are used.
  auto open_anchor = [&]() -> Status {
    auto opened = with_record_keys(std::move(record.anchor), read_envelope);
    if (!opened) return opened.error();
    record.anchor = std::move(*opened);
    return Status::ok();
  };
  ReaderKeys keys;
  keys.cid = record.anchor.cid;
  switch (d.basis) {
    case AccessBasis::patient:
      PV_TRY(open_anchor());
      keys.data_key = record.anchor.for_patient;
      return keys;
    case AccessBasis::author:
      PV_TRY(open_anchor());
      keys.data_key = record.anchor.for_author;
      return keys;
    case AccessBasis::consent: {
      auto c = load_consent(state, d.consent);
      if (!c) return c.error();
      if (!*c) return make_error(Errc::not_found, "no consent " + short_id(d.consent));
      for (const auto& k : (*c)->grant.record_keys)
        if (k.record == id) {
          auto key = grant_key(k, read_envelope);
          if (!key) return key.error();
          keys.data_key = *key;
          return keys;
        }
      if ((*c)->grant.scope == ScopeKind::category && category_epoch_of(record.anchor) != 0) {
        PV_TRY(open_anchor());
        auto secret =
            state.get(category_secret_state_key(d.consent, record.anchor.for_category->epoch));
        if (secret) {
          auto wrapped = decode_wrapped(*secret);
          if (!wrapped)
            return make_error(Errc::corruption, "stored category secret does not decode");
          keys.category_wrap = record.anchor.for_category;
          keys.category_secret = *wrapped;
          return keys;
        }
      }
      return make_error(Errc::not_found,
                        "consent " + short_id(d.consent) +
                            " carries no key for this record; the patient must grant it by record");
    }
    case AccessBasis::emergency:
      // Break-glass: no key is on the ledger for the reader; the patient's custodians release
      // their shares of the record's key to the reader (docs/consent.md section 8).
      if (emergency_epoch_of(record.anchor) == 0)
        return make_error(Errc::not_found,
                          "the record was anchored before its patient set up emergency access, so "
                          "no custodian holds a share of its key");
      PV_TRY(open_anchor());
      keys.emergency = record.anchor.emergency;
      return keys;
    case AccessBasis::none:
      break;
  }
  return make_error(Errc::invalid_argument, "the decision has no basis");
}

}  // namespace pv
