#include "cli/record_views.hpp"

#include "cli/acting.hpp"
#include "codec/did_key.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;

Error shape(const std::string& what) {
  return make_error(Errc::malformed, "the node's answer has no valid " + what);
}

Result<std::string> str(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string()) return shape(key);
  return j[key].get<std::string>();
}

Result<std::uint64_t> u64(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number_unsigned()) return shape(key);
  return j[key].get<std::uint64_t>();
}

template <std::size_t N>
Result<FixedBytes<N>> hex_field(const json& j, const char* key) {
  auto s = str(j, key);
  if (!s) return s.error();
  auto v = FixedBytes<N>::from_hex(*s);
  if (!v) return shape(key);
  return *v;
}

template <std::size_t N>
Result<FixedBytes<N>> b64_field(const json& j, const char* key) {
  auto s = str(j, key);
  if (!s) return s.error();
  auto raw = from_base64(*s);
  if (!raw) return shape(key);
  auto v = FixedBytes<N>::from(*raw);
  if (!v) return shape(key);
  return *v;
}

// The value of a FHIR identifier or coding list's first entry.
std::string first_code(const json& list) {
  if (!list.is_array() || list.empty()) return {};
  const json& c = list[0].contains("coding") ? list[0]["coding"][0] : list[0];
  return c.is_object() && c.contains("code") && c["code"].is_string() ? c["code"].get<std::string>()
                                                                      : std::string();
}

}  // namespace

Result<WrappedKey> parse_wrapped(const json& j, const char* what) {
  auto recipient = hex_field<32>(j, "recipient");
  auto sealed = b64_field<kSealedKeySize>(j, "sealed");
  if (!recipient || !sealed) return shape(std::string(what) + " wrapped key");
  return WrappedKey{*recipient, *sealed};
}

Result<CategoryWrap> parse_category_wrap(const json& j) {
  auto epoch = u64(j, "epoch");
  auto key = hex_field<32>(j, "key");
  auto sealed = b64_field<kSealedKeySize>(j, "sealed");
  if (!epoch || !key || !sealed || *epoch == 0 || *epoch > UINT32_MAX)
    return shape("category wrap");
  return CategoryWrap{static_cast<std::uint32_t>(*epoch), *key, *sealed};
}

Result<RecordView> parse_record_view(const json& j) {
  RecordView r;
  r.json = j;
  auto id = hex_field<32>(j, "id");
  if (!id) return id.error();
  r.id = *id;
  for (auto [key, out] : {std::pair{"patient", &r.patient},
                          {"author", &r.author},
                          {"organization", &r.organization},
                          {"cid", &r.cid},
                          {"category", &r.category},
                          {"mediaType", &r.media_type},
                          {"time", &r.time}}) {
    auto v = str(j, key);
    if (!v) return v.error();
    *out = *v;
  }
  auto commitment = hex_field<32>(j, "commitment");
  auto size = u64(j, "size");
  auto height = u64(j, "height");
  if (!commitment || !size || !height) return shape("record commitment, size or height");
  r.commitment = *commitment;
  r.size = *size;
  r.height = *height;
  if (!j.contains("keys") || !j["keys"].is_object()) return shape("keys");
  const json& keys = j["keys"];
  auto p = parse_wrapped(keys.value("patient", json()), "patient");
  auto a = parse_wrapped(keys.value("author", json()), "author");
  if (!p) return p.error();
  if (!a) return a.error();
  r.for_patient = *p;
  r.for_author = *a;
  if (keys.contains("category")) {
    auto c = parse_category_wrap(keys["category"]);
    if (!c) return c.error();
    r.for_category = *c;
  }
  return r;
}

Result<json> get_json(api::NodeClient& client, const std::string& target) {
  auto reply = client.call("GET", target);
  if (!reply) return reply.error();
  auto j = json::parse(reply->body, nullptr, false);
  if (j.is_discarded())
    return make_error(Errc::malformed,
                      "the node answered " + target + " with something that is not JSON");
  return j;
}

Result<RecordView> fetch_record(api::NodeClient& client, const RecordId& id) {
  auto j = get_json(client, "/v1/records/" + id.hex());
  if (!j) return j.error();
  return parse_record_view(*j);
}

Result<std::vector<RecordView>> fetch_patient_records(api::NodeClient& client,
                                                      const std::string& patient,
                                                      const std::string& category) {
  std::vector<RecordView> out;
  for (std::uint64_t from = 0;;) {
    std::string target = "/v1/patients/" + patient + "/records?from=" + std::to_string(from);
    if (!category.empty()) target += "&category=" + category;
    auto j = get_json(client, target);
    if (!j) return j.error();
    if (!(*j)["records"].is_array()) return shape("records");
    for (const auto& item : (*j)["records"]) {
      auto r = parse_record_view(item);
      if (!r) return r.error();
      out.push_back(std::move(*r));
    }
    auto total = u64(*j, "total");
    if (!total) return total.error();
    from += 500;  // the node's page size (kDefaultPageSize)
    if (from >= *total) return out;
  }
}

Result<std::optional<CategoryKeyView>> fetch_category_key(api::NodeClient& client,
                                                          const std::string& patient,
                                                          const std::string& category) {
  auto j = get_json(client, "/v1/patients/" + patient + "/category-keys/" + category);
  if (!j) {
    if (j.error().code == Errc::not_found) return std::optional<CategoryKeyView>();
    return j.error();
  }
  auto epoch = u64(*j, "epoch");
  auto key = hex_field<32>(*j, "publicKey");
  if (!epoch || !key || *epoch == 0 || *epoch > UINT32_MAX) return shape("category key");
  return std::optional<CategoryKeyView>(CategoryKeyView{static_cast<std::uint32_t>(*epoch), *key});
}

Result<std::vector<json>> fetch_bundle(api::NodeClient& client, const std::string& target) {
  std::vector<json> out;
  const char sep = target.find('?') == std::string::npos ? '?' : '&';
  for (std::uint64_t from = 0;;) {
    auto j = get_json(client, target + sep + "from=" + std::to_string(from));
    if (!j) return j.error();
    if (!(*j)["entry"].is_array()) return shape("Bundle entry list");
    for (const auto& e : (*j)["entry"])
      if (e.contains("resource")) out.push_back(e["resource"]);
    auto total = u64(*j, "total");
    if (!total) return total.error();
    from += 500;
    if (from >= *total) return out;
  }
}

Result<PublicKey> recipient_key_of(api::NodeClient& client, const std::string& did) {
  if (did.rfind("did:key:", 0) == 0) return public_key_from_did_key(did);
  if (did.rfind("did:pv:", 0) != 0)
    return make_error(Errc::invalid_argument,
                      "keys can be sealed only to a did:key or did:pv, not to " + did);
  auto doc = resolve_did_pv_on_node(client, did);
  if (!doc) return doc.error();
  if (doc->deactivated || doc->keys.empty())
    return make_error(Errc::forbidden, did + " is deactivated or has no key to seal to");
  return doc->keys.front().key;
}

Result<ConsentView> parse_consent_resource(const json& j) {
  ConsentView c;
  c.resource = j;
  if (!j.is_object() || j.value("resourceType", "") != "Consent") return shape("Consent resource");
  auto id = hex_field<32>(j, "id");
  if (!id) return id.error();
  c.id = *id;
  c.status = j.value("status", "");
  try {
    c.patient = j.at("patient").at("identifier").at("value").get<std::string>();
    const json& p = j.at("provision");
    const json& actor = p.at("actor").at(0).at("reference");
    c.grantee = actor.at("identifier").at("value").get<std::string>();
    c.grantee_type = actor.value("type", "");
    c.start = p.at("period").at("start").get<std::string>();
    c.end = p.at("period").at("end").get<std::string>();
    for (const auto& a : p.at("action")) c.actions.push_back(first_code(json::array({a})));
    for (const auto& pu : p.at("purpose")) c.purposes.push_back(pu.at("code").get<std::string>());
    if (p.contains("class")) c.category = first_code(p["class"]);
    if (p.contains("data"))
      for (const auto& d : p["data"])
        c.records.push_back(d.at("reference").at("identifier").at("value").get<std::string>());
  } catch (const json::exception&) {
    return shape("Consent provision");
  }
  return c;
}

}  // namespace pv::cli
