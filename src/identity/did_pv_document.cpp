#include "identity/did_pv_document.hpp"

#include <ctime>

#include "codec/did_key.hpp"
#include "codec/did_pv.hpp"

namespace pv {
namespace {

std::string multibase_ed25519(const PublicKey& key) {
  // The did:key form minus its "did:key:" prefix is exactly the multibase of the multicodec key.
  return did_key_from_public_key(key).substr(8);
}

Result<DidRecord> record_at(const std::string& did, std::uint64_t version,
                            const std::function<std::optional<Bytes>(const std::string&)>& read_state) {
  auto bytes = read_state(did_version_state_key(did, version));
  if (!bytes) return make_error(Errc::not_found, did + " has no version " + std::to_string(version));
  auto record = decode_did_record(*bytes);
  if (!record) return make_error(Errc::corruption, "stored version " + std::to_string(version) + " does not decode");
  return record;
}

}  // namespace

Result<std::uint64_t> ms_from_rfc3339(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == nullptr || *end != '\0')
    return make_error(Errc::invalid_argument, "versionTime must look like 2026-11-23T12:00:00Z");
  std::time_t seconds = timegm(&tm);
  if (seconds < 0) return make_error(Errc::invalid_argument, "versionTime is before 1970");
  return static_cast<std::uint64_t>(seconds) * 1000 + 999;  // the whole second counts
}

nlohmann::json did_pv_document(const std::string& did, const DidRecord& record) {
  nlohmann::json methods = nlohmann::json::array(), refs = nlohmann::json::array();
  for (const auto& k : record.keys) {
    std::string id = did + "#" + k.id;
    methods.push_back({{"id", id},
                       {"type", "Ed25519VerificationKey2020"},
                       {"controller", did},
                       {"publicKeyMultibase", multibase_ed25519(k.key)}});
    refs.push_back(id);
  }
  return {{"@context", {"https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/ed25519-2020/v1"}},
          {"id", did},
          {"verificationMethod", methods},
          {"authentication", refs},
          {"assertionMethod", refs},
          {"capabilityInvocation", refs},
          {"capabilityDelegation", refs}};
}

Result<nlohmann::json> resolve_did_pv(const std::string& did, const DidVersionQuery& query,
                                      const std::function<std::optional<Bytes>(const std::string&)>& read_state) {
  auto url = parse_did_pv_url(did);
  if (!url || !url->fragment.empty()) return make_error(Errc::malformed, did + " is not a did:pv DID");
  auto current_bytes = read_state(did_state_key(did));
  if (!current_bytes) return make_error(Errc::not_found, did + " does not exist on this ledger");
  auto current = decode_did_record(*current_bytes);
  if (!current) return make_error(Errc::corruption, "stored document of " + did + " does not decode");

  DidRecord record = *current;
  if (query.version_id) {
    if (*query.version_id == 0 || *query.version_id > current->version)
      return make_error(Errc::not_found, did + " has no version " + std::to_string(*query.version_id));
    auto r = record_at(did, *query.version_id, read_state);
    if (!r) return r.error();
    record = std::move(*r);
  } else if (query.version_time_ms) {
    if (*query.version_time_ms < current->created_ms)
      return make_error(Errc::not_found, did + " did not exist yet at that time");
    // Versions are few (a DID changes rarely): walk back from the current one.
    std::uint64_t v = current->version;
    while (v > 1 && record.updated_ms > *query.version_time_ms) {
      auto r = record_at(did, --v, read_state);
      if (!r) return r.error();
      record = std::move(*r);
    }
  }
  nlohmann::json metadata = {{"created", rfc3339_from_ms(current->created_ms)},
                             {"updated", rfc3339_from_ms(record.updated_ms)},
                             {"versionId", std::to_string(record.version)},
                             {"deactivated", record.deactivated}};
  if (record.version < current->version) metadata["nextVersionId"] = std::to_string(record.version + 1);
  return nlohmann::json{{"didDocument", did_pv_document(did, record)},
                        {"didDocumentMetadata", metadata},
                        {"didResolutionMetadata", {{"contentType", "application/did+json"}}}};
}

}  // namespace pv
