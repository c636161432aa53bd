#pragma once
// The client's reading of the record and consent routes (docs/api.md, "Records, consent and
// access"): typed views of what a node answers, checked for shape only. Whatever they hold is
// the node's claim; commands that need more check inclusion proofs (--verify).

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/client.hpp"
#include "identity/key_wrap.hpp"
#include "ledger/consent_payloads.hpp"

namespace pv::cli {

// GET /v1/records/{id} (and one entry of GET /v1/patients/{did}/records).
struct RecordView {
  RecordId id;
  std::string patient, author, organization, cid, category, media_type, time;
  Hash32 commitment;
  std::uint64_t size = 0, height = 0;
  WrappedKey for_patient, for_author;
  std::optional<CategoryWrap> for_category;
  nlohmann::json json;  // as served
};
[[nodiscard]] Result<RecordView> parse_record_view(const nlohmann::json& j);

// GET /v1/patients/{did}/category-keys/{category}; nullopt when the patient has none yet.
struct CategoryKeyView {
  std::uint32_t epoch = 0;
  X25519PublicKey public_key;
};

// GET `target`, parsed as JSON (an error for a problem answer or a body that is not JSON).
[[nodiscard]] Result<nlohmann::json> get_json(api::NodeClient& client, const std::string& target);

[[nodiscard]] Result<RecordView> fetch_record(api::NodeClient& client, const RecordId& id);
// Every record of `patient` (the client must sign as the patient), optionally of one category.
[[nodiscard]] Result<std::vector<RecordView>> fetch_patient_records(
    api::NodeClient& client, const std::string& patient, const std::string& category = {});
[[nodiscard]] Result<std::optional<CategoryKeyView>> fetch_category_key(
    api::NodeClient& client, const std::string& patient, const std::string& category);
// Every FHIR resource of a searchset Bundle at `target` (all pages).
[[nodiscard]] Result<std::vector<nlohmann::json>> fetch_bundle(api::NodeClient& client,
                                                               const std::string& target);

// The Ed25519 key to seal to for `did`: a did:key's own key, a did:pv's first active key.
[[nodiscard]] Result<PublicKey> recipient_key_of(api::NodeClient& client, const std::string& did);

// Parsers of the wrapped-key shapes the routes use.
[[nodiscard]] Result<WrappedKey> parse_wrapped(const nlohmann::json& j, const char* what);
[[nodiscard]] Result<CategoryWrap> parse_category_wrap(const nlohmann::json& j);

// A consent as FHIR R4 Consent, the fields a client acts on.
struct ConsentView {
  ConsentId id;
  std::string status, patient, grantee, grantee_type, category;
  std::vector<std::string> records, purposes, actions;
  std::string start, end;
  nlohmann::json resource;
};
[[nodiscard]] Result<ConsentView> parse_consent_resource(const nlohmann::json& j);

}  // namespace pv::cli
