#include "cli/emergency_views.hpp"

#include "cli/record_views.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;

Error shape(const std::string& what) {
  return make_error(Errc::malformed, "the node's emergency answer has no valid " + what);
}

template <std::size_t N>
Result<FixedBytes<N>> hex_of(const json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) return shape(key);
  auto v = FixedBytes<N>::from_hex(j[key].get<std::string>());
  if (!v) return shape(key);
  return *v;
}

}  // namespace

Result<std::optional<EmergencyPolicyView>> fetch_emergency_policy(api::NodeClient& client,
                                                                  const std::string& patient) {
  auto j = get_json(client, "/v1/patients/" + patient + "/emergency-policy");
  if (!j) {
    if (j.error().code == Errc::not_found) return std::optional<EmergencyPolicyView>();
    return j.error();
  }
  EmergencyPolicyView p;
  try {
    p.patient = j->at("patient").get<std::string>();
    p.epoch = j->at("epoch").get<std::uint32_t>();
    p.threshold = j->at("threshold").get<std::uint8_t>();
    for (const auto& c : j->at("custodians")) p.custodians.push_back(c.at("organization"));
  } catch (const json::exception&) {
    return shape("policy");
  }
  if (p.epoch == 0 || p.threshold < 2 || p.threshold > p.custodians.size() ||
      p.custodians.size() > kMaxCustodians)
    return shape("policy");
  p.json = *j;
  return std::optional<EmergencyPolicyView>(std::move(p));
}

Result<EmergencyEventView> parse_emergency_event(const json& j) {
  EmergencyEventView v;
  if (!j.is_object()) return shape("event");
  auto event = hex_of<32>(j, "event");
  auto record = hex_of<32>(j, "record");
  if (!event || !record) return shape("event or record id");
  v.event = *event;
  v.record = *record;
  try {
    v.patient = j.at("patient").get<std::string>();
    v.reader = j.at("reader").get<std::string>();
    v.organization = j.at("organization").get<std::string>();
    v.time = j.at("time").get<std::string>();
    v.epoch = j.at("epoch").get<std::uint32_t>();
    v.open = j.at("open").get<bool>();
    if (v.epoch != 0) v.threshold = j.at("threshold").get<std::uint8_t>();
    for (const auto& c : j.at("custodians")) {
      auto sealed = parse_wrapped(c.at("sealedShare"), "custodian share");
      if (!sealed) return sealed.error();
      v.custodians.push_back(
          {c.at("organization").get<std::string>(), c.at("share").get<std::uint8_t>(), *sealed});
    }
    for (const auto& r : j.at("releases")) {
      EmergencyReleaseView rv;
      rv.custodian = r.at("custodian").get<std::string>();
      rv.height = r.at("height").get<std::uint64_t>();
      auto tx = hex_of<32>(r, "tx");
      auto recipient = hex_of<32>(r, "recipient");
      auto raw = from_base64(r.at("sealed").get<std::string>());
      if (!tx || !recipient || !raw) return shape("release");
      auto sealed = SealedRelease::from(*raw);
      if (!sealed) return shape("sealed release");
      rv.tx = *tx;
      rv.release = {v.event, r.at("share").get<std::uint8_t>(), v.epoch, *recipient, *sealed, {}};
      v.releases.push_back(std::move(rv));
    }
  } catch (const json::exception&) {
    return shape("event fields");
  }
  v.json = j;
  return v;
}

Result<EmergencyEventView> fetch_emergency_event(api::NodeClient& client, const TxId& event) {
  auto j = get_json(client, "/v1/emergency/events/" + event.hex());
  if (!j) return j.error();
  return parse_emergency_event(*j);
}

Result<std::pair<std::vector<EmergencyEventView>, std::uint64_t>> fetch_emergency_events(
    api::NodeClient& client, std::uint64_t from) {
  auto j = get_json(client, "/v1/emergency/events?from=" + std::to_string(from));
  if (!j) return j.error();
  std::vector<EmergencyEventView> out;
  if (!j->contains("events") || !(*j)["events"].is_array() || !j->contains("total") ||
      !(*j)["total"].is_number_unsigned())
    return shape("event list");
  for (const auto& e : (*j)["events"]) {
    auto v = parse_emergency_event(e);
    if (!v) return v.error();
    out.push_back(std::move(*v));
  }
  return std::pair{std::move(out), (*j)["total"].get<std::uint64_t>()};
}

}  // namespace pv::cli
