#pragma once
// JSON views of ledger objects, shared by the HTTP server (which writes them) and NodeClient
// (which reads them). Hashes, keys and ids are lower-case hex; transaction encodings are base64.
// Field names follow docs/api.md. The parsers never throw: a body that does not match the shape
// is an Errc::malformed error naming the field.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/problem.hpp"
#include "node/node.hpp"

namespace pv::api {

// GET /v1/tx/{id}.
struct TxStatus {
  TxId id;
  TxState state = TxState::unknown;
  std::optional<CommittedTx> committed;
  Bytes encoded;  // the signed transaction, as the node returned it (not yet checked)
};

// One entry of a POST /v1/tx answer.
enum class SubmissionOutcome { accepted, committed, refused };

struct SubmissionResult {
  std::optional<TxId> id;  // absent only when the entry was not valid base64
  SubmissionOutcome outcome = SubmissionOutcome::refused;
  std::optional<CommittedTx> committed;  // set when outcome == committed
  std::optional<Problem> problem;        // set when outcome == refused
};

const char* tx_state_name(TxState state);

nlohmann::json tx_status_json(const TxId& id, const TxView& view);
nlohmann::json submission_result_json(const SubmissionResult& result);
nlohmann::json inclusion_proof_json(const InclusionProof& proof);
nlohmann::json consistency_proof_json(const ConsistencyProof& proof);
nlohmann::json node_info_json(const NodeInfo& info);
nlohmann::json block_json(const Block& block);

[[nodiscard]] Result<TxStatus> parse_tx_status(const nlohmann::json& j);
[[nodiscard]] Result<SubmissionResult> parse_submission_result(const nlohmann::json& j);
[[nodiscard]] Result<InclusionProof> parse_inclusion_proof(const nlohmann::json& j);
[[nodiscard]] Result<ConsistencyProof> parse_consistency_proof(const nlohmann::json& j);
[[nodiscard]] Result<NodeInfo> parse_node_info(const nlohmann::json& j);

// Parses text as JSON without throwing.
[[nodiscard]] Result<nlohmann::json> parse_json(std::string_view text);

}  // namespace pv::api
