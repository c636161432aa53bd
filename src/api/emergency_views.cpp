#include "api/emergency_views.hpp"

#include "api/consent_views.hpp"
#include "ledger/consent_state.hpp"

namespace pv::api {

using nlohmann::json;

json emergency_policy_json(const std::string& patient, const EmergencyPolicyState& p) {
  json custodians = json::array();
  for (std::size_t i = 0; i < p.policy.custodians.size(); ++i)
    custodians.push_back({{"organization", p.policy.custodians[i]}, {"share", i + 1}});
  return {{"patient", patient},
          {"epoch", p.policy.epoch},
          {"threshold", p.policy.threshold},
          {"custodians", custodians},
          {"height", p.height}};
}

Result<json> emergency_event_json(const StateView& state, const TxId& event, std::uint64_t now_ms,
                                  const KeyEnvelopeReader& read_envelope) {
  auto ev = load_emergency_event(state, event);
  if (!ev) return ev.error();
  if (!*ev)
    return make_error(Errc::not_found,
                      "access event " + event.hex() + " is not a permitted emergency access");
  const EmergencyEventState& e = **ev;
  json out = {{"event", event.hex()},
              {"record", e.record.hex()},
              {"patient", e.patient},
              {"reader", e.reader},
              {"organization", e.organization},
              {"height", e.height},
              {"time", fhir_instant(e.time_ms)},
              {"epoch", e.epoch},
              {"open", now_ms <= e.time_ms + kEmergencyReleaseWindowMs}};
  json custodians = json::array(), releases = json::array();
  if (e.epoch != 0) {
    auto policy = load_emergency_policy(state, e.patient, e.epoch);
    if (!policy) return policy.error();
    auto record = load_record(state, e.record);
    if (!record) return record.error();
    if (!*policy || !*record || emergency_epoch_of((*record)->anchor) == 0)
      return make_error(Errc::corruption,
                        "emergency event " + event.hex() + " names shares the state does not hold");
    auto anchor = with_record_keys((*record)->anchor, read_envelope);
    if (!anchor) return anchor.error();
    const auto& shares = anchor->emergency->shares;
    const auto& names = (*policy)->policy.custodians;
    out["threshold"] = (*policy)->policy.threshold;
    for (std::size_t i = 0; i < names.size() && i < shares.size(); ++i)
      custodians.push_back({{"organization", names[i]},
                            {"share", i + 1},
                            {"sealedShare",
                             {{"recipient", to_hex(shares[i].recipient.view())},
                              {"sealed", to_base64(shares[i].sealed.view())}}}});
    auto released = load_emergency_releases(state, event);
    if (!released) return released.error();
    for (const auto& r : *released) {
      // A version-2 release's sealed share is in its key envelope.
      auto opened = with_released_share(r.release, read_envelope);
      if (!opened) return opened.error();
      releases.push_back({{"share", r.release.share},
                          {"custodian", r.custodian},
                          {"recipient", to_hex(r.release.recipient.view())},
                          {"sealed", to_base64(opened->sealed.view())},
                          {"tx", r.tx.hex()},
                          {"height", r.height},
                          {"time", fhir_instant(r.time_ms)}});
    }
  }
  out["custodians"] = custodians;
  out["releases"] = releases;
  out["released"] = releases.size();
  return out;
}

}  // namespace pv::api
