#pragma once
// W3C DID documents and DID Resolution results for did:pv (docs/did-pv.md), built from the
// document records the ledger keeps in state.

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/time_text.hpp"
#include "ledger/did_pv_rules.hpp"

namespace pv {

// The DID document of `did` as `record` describes it.
nlohmann::json did_pv_document(const std::string& did, const DidRecord& record);

// Which version to resolve: the current one, a version number, or the one in force at a time.
struct DidVersionQuery {
  std::optional<std::uint64_t> version_id;
  std::optional<std::uint64_t> version_time_ms;
};

// A W3C DID Resolution result ({didDocument, didDocumentMetadata, didResolutionMetadata}) read
// through `read_state`. Errc::not_found for an unknown DID or version, Errc::malformed for a
// string that is not a did:pv.
[[nodiscard]] Result<nlohmann::json> resolve_did_pv(
    const std::string& did, const DidVersionQuery& query,
    const std::function<std::optional<Bytes>(const std::string&)>& read_state);

[[nodiscard]] Result<std::uint64_t> ms_from_rfc3339(const std::string& text);

}  // namespace pv
