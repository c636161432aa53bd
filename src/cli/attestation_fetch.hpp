#pragma once
// Reading an attestation's public part from a node (GET /v1/attestations/{id}) on the client:
// the payload is decoded strictly here, so whatever a command shows or proves about comes from
// the canonical bytes, not from the node's JSON.

#include <nlohmann/json.hpp>

#include "api/client.hpp"
#include "ledger/attestation_state.hpp"

namespace pv::cli {

struct AttestationOnNode {
  AttestationId id;
  AttestationState state;  // issue decoded from the payload; issuer and status as the node says
};

[[nodiscard]] Result<AttestationOnNode> attestation_from_json(const nlohmann::json& j);
[[nodiscard]] Result<AttestationOnNode> fetch_attestation(api::NodeClient& client,
                                                          const AttestationId& id);
// An attestation id from the command line: 64 hex digits.
[[nodiscard]] Result<AttestationId> parse_attestation_id(const std::string& text);

}  // namespace pv::cli
