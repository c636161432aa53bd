#include "node/genesis_file.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "codec/did_key.hpp"

namespace pv {

Result<Genesis> parse_genesis_json(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error(Errc::malformed, "genesis file is not a JSON object");
  Genesis g;
  if (!j.contains("network") || !j["network"].is_string())
    return make_error(Errc::malformed, "genesis: \"network\" (string) is required");
  g.network = j["network"].get<std::string>();
  if (!j.contains("time") || !j["time"].is_number_unsigned())
    return make_error(Errc::malformed, "genesis: \"time\" (Unix milliseconds) is required");
  g.time_ms = j["time"].get<std::uint64_t>();
  if (!j.contains("organizations") || !j["organizations"].is_array())
    return make_error(Errc::malformed, "genesis: \"organizations\" (array) is required");
  for (const auto& o : j["organizations"]) {
    if (!o.is_object())
      return make_error(Errc::malformed, "genesis: each organization must be an object");
    GenesisOrganization org;
    for (const char* field : {"did", "name", "role"})
      if (!o.contains(field) || !o[field].is_string())
        return make_error(Errc::malformed, std::string("genesis: organization \"") + field +
                                               "\" (string) is required");
    org.did = o["did"].get<std::string>();
    org.name = o["name"].get<std::string>();
    org.role = o["role"].get<std::string>();
    if (o.contains("nodeKeys")) {
      if (!o["nodeKeys"].is_array())
        return make_error(Errc::malformed, "genesis: \"nodeKeys\" must be an array");
      for (const auto& k : o["nodeKeys"]) {
        if (!k.is_string())
          return make_error(Errc::malformed, "genesis: node keys are did:key strings");
        auto key = public_key_from_did_key(k.get<std::string>());
        if (!key)
          return make_error(Errc::malformed, "genesis: node key " + k.get<std::string>() + ": " +
                                                 key.error().message);
        org.node_keys.push_back(*key);
      }
    }
    if (o.contains("admins")) {
      if (!o["admins"].is_array())
        return make_error(Errc::malformed, "genesis: \"admins\" must be an array of DIDs");
      for (const auto& a : o["admins"]) {
        if (!a.is_string()) return make_error(Errc::malformed, "genesis: admins are DID strings");
        org.admins.push_back(a.get<std::string>());
      }
    } else {
      org.admins.push_back(org.did);  // an organization with a did:key administers itself
    }
    g.organizations.push_back(std::move(org));
  }
  if (j.contains("membershipThreshold")) {
    const auto& t = j["membershipThreshold"];
    if (!t.is_object() || !t.contains("numerator") || !t.contains("denominator") ||
        !t["numerator"].is_number_unsigned() || !t["denominator"].is_number_unsigned() ||
        t["numerator"].get<std::uint64_t>() > 1000 || t["denominator"].get<std::uint64_t>() > 1000)
      return make_error(
          Errc::malformed,
          "genesis: \"membershipThreshold\" is {\"numerator\": N, \"denominator\": D} with "
          "1 <= N <= D <= 1000 (more than N/D of the organizations must approve)");
    g.membership_threshold = {t["numerator"].get<std::uint32_t>(),
                              t["denominator"].get<std::uint32_t>()};
  }
  if (j.contains("portal")) {
    const auto& p = j["portal"];
    const char* shape =
        "genesis: \"portal\" is {\"origins\": [\"https://portal.example.org\", ...], \"rpId\": "
        "\"example.org\"} (docs/passkeys.md)";
    if (!p.is_object() || !p.contains("origins") || !p["origins"].is_array() ||
        !p.contains("rpId") || !p["rpId"].is_string())
      return make_error(Errc::malformed, shape);
    for (const auto& o : p["origins"]) {
      if (!o.is_string()) return make_error(Errc::malformed, shape);
      g.portal.origins.push_back(o.get<std::string>());
    }
    std::sort(g.portal.origins.begin(), g.portal.origins.end());
    g.portal.rp_id = p["rpId"].get<std::string>();
    if (g.portal.origins.empty()) return make_error(Errc::malformed, shape);
  }
  PV_TRY(check_genesis(g));
  return g;
}

Result<Genesis> read_genesis_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(Errc::not_found, "cannot read genesis file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto g = parse_genesis_json(ss.str());
  if (!g) return make_error(g.error().code, path + ": " + g.error().message);
  return g;
}

std::string genesis_to_json(const Genesis& g) {
  nlohmann::json orgs = nlohmann::json::array();
  for (const auto& org : g.organizations) {
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& k : org.node_keys) keys.push_back(did_key_from_public_key(k));
    orgs.push_back({{"did", org.did},
                    {"name", org.name},
                    {"role", org.role},
                    {"nodeKeys", keys},
                    {"admins", org.admins}});
  }
  nlohmann::json j = {{"network", g.network},
                      {"time", g.time_ms},
                      {"organizations", orgs},
                      {"membershipThreshold",
                       {{"numerator", g.membership_threshold.numerator},
                        {"denominator", g.membership_threshold.denominator}}}};
  if (!g.portal.empty()) j["portal"] = {{"origins", g.portal.origins}, {"rpId", g.portal.rp_id}};
  return j.dump(2) + "\n";
}

Genesis development_genesis(const std::string& network, const PublicKey& node_key,
                            std::uint64_t time_ms) {
  Genesis g;
  g.network = network;
  g.time_ms = time_ms;
  std::string did = did_key_from_public_key(node_key);
  g.organizations.push_back({did, "Local development organization", "provider", {node_key}, {did}});
  return g;
}

}  // namespace pv
