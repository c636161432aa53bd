#pragma once
// The reader's side of a consented read (docs/consent.md, "The contract"): ask the node with a
// signed request, and on a permit open the served wrap with the reader's own keys — the data
// key directly, or under a category consent the category secret first and then the record's
// category wrap. The node never sees the opened key.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli/acting.hpp"
#include "cli/record_views.hpp"

namespace pv::cli {

struct PermittedRead {
  RecordId record;
  std::string basis;                 // patient, author, consent, emergency
  std::optional<ConsentId> consent;  // basis consent
  TxId access_event;                 // the permit as it stands on the ledger
  RecordView metadata;               // CID, commitment, size, category, ...
  SecretKey32 data_key;              // opened here; wipe after use (unset: emergency)
  // Basis emergency: no key is served; the custodians release shares of it for this access
  // event (cli/emergency_reader.hpp).
  bool needs_custodians = false;
  nlohmann::json answer;  // the node's answer as served
};

// POST /v1/records/{id}/access?purpose=P&action=A signed by `reader` (the client must already
// sign as the reader), with {"credential": JWT} when `emergency_credential` is not empty (a
// break-glass read, docs/consent.md section 8). A refusal is Errc::forbidden whose message is
// the node's reason (the refusal is on the ledger too).
[[nodiscard]] Result<PermittedRead> request_record_access(
    api::NodeClient& client, const Actor& reader, const RecordId& record,
    const std::string& purpose, const std::string& action = "access",
    const std::string& emergency_credential = "");

}  // namespace pv::cli
