#include "cli/audit_state.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/config_dir.hpp"
#include "node/atomic_file.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;

Result<RememberedCheckpoint> parse_entry(const json& j) {
  auto bad = make_error(Errc::malformed, "verify state entry is malformed");
  if (!j.is_object()) return bad;
  auto str = [&](const char* k) -> std::optional<std::string> {
    auto it = j.find(k);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  auto network = str("network"), key = str("checkpointKey"), key_name = str("checkpointKeyName"),
       origin = str("origin"), root = str("root"), note = str("checkpoint");
  auto size_it = j.find("size");
  if (!network || !key || !key_name || !origin || !root || !note || size_it == j.end() ||
      !size_it->is_number_unsigned())
    return bad;
  auto pk = PublicKey::from_hex(*key);
  auto root_hash = Hash32::from_hex(*root);
  if (!pk || !root_hash) return bad;
  RememberedCheckpoint r;
  r.network = *network;
  r.key = {*key_name, *pk};
  r.checkpoint = {*origin, size_it->get<std::uint64_t>(), *root_hash};
  r.note = *note;
  return r;
}

}  // namespace

std::string default_audit_state_path() {
  return config_dir() + "/verify-state.json";
}

Result<AuditState> load_audit_state(const std::string& path) {
  AuditState state;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path)) return state;
    return make_error(Errc::io, "cannot read verify state " + path);
  }
  std::stringstream buf;
  buf << in.rdbuf();
  auto doc = json::parse(buf.str(), nullptr, /*allow_exceptions=*/false);
  auto networks = doc.is_object() ? doc.find("networks") : doc.end();
  if (!doc.is_object() || networks == doc.end() || !networks->is_object())
    return make_error(Errc::malformed, "verify state " + path + " is not a pv verify state file");
  for (const auto& [id, entry] : networks->items()) {
    auto r = parse_entry(entry);
    if (!r)
      return make_error(Errc::malformed,
                        "verify state " + path + ": entry " + id + " is malformed");
    state.by_network_id[id] = *r;
  }
  return state;
}

Status save_audit_state(const std::string& path, const AuditState& state) {
  json networks = json::object();
  for (const auto& [id, r] : state.by_network_id)
    networks[id] = {{"network", r.network},
                    {"checkpointKey", r.key.key.hex()},
                    {"checkpointKeyName", r.key.name},
                    {"origin", r.checkpoint.origin},
                    {"size", r.checkpoint.size},
                    {"root", r.checkpoint.root.hex()},
                    {"checkpoint", r.note}};
  return write_file_atomically(path, json{{"networks", networks}}.dump(2) + "\n", 0600);
}

}  // namespace pv::cli
