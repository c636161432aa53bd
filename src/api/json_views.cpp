#include "api/json_views.hpp"

#include <algorithm>

namespace pv::api {
namespace {

using nlohmann::json;

Error field_error(const char* key, const char* expected) {
  return make_error(Errc::malformed, std::string("JSON field \"") + key + "\" must be " + expected);
}

Result<std::string> get_string(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return field_error(key, "a string");
  return it->get<std::string>();
}

Result<std::uint64_t> get_u64(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) return field_error(key, "an unsigned integer");
  return it->get<std::uint64_t>();
}

Result<Hash32> get_hash(const json& j, const char* key) {
  auto text = get_string(j, key);
  if (!text) return text.error();
  auto h = Hash32::from_hex(*text);
  if (!h) return field_error(key, "32 bytes in hex");
  return *h;
}

Result<std::vector<Hash32>> get_hash_list(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return field_error(key, "an array of hex hashes");
  std::vector<Hash32> out;
  out.reserve(it->size());
  for (const auto& item : *it) {
    if (!item.is_string()) return field_error(key, "an array of hex hashes");
    auto h = Hash32::from_hex(item.get<std::string>());
    if (!h) return field_error(key, "an array of 32-byte hex hashes");
    out.push_back(*h);
  }
  return out;
}

json hash_list_json(const std::vector<Hash32>& hashes) {
  json out = json::array();
  for (const auto& h : hashes) out.push_back(h.hex());
  return out;
}

void put_commit(json& j, const CommittedTx& c) {
  j["height"] = c.location.height;
  j["index"] = c.location.index;
  j["logIndex"] = c.location.log_index;
  j["blockTimeMs"] = c.block_time_ms;
  j["validity"] = tx_code_name(c.result.code);
  j["reason"] = c.result.reason;
}

Result<TxCode> parse_tx_code(const std::string& name) {
  for (std::uint16_t v = 0; v <= 64; ++v) {
    auto code = static_cast<TxCode>(v);
    if (name == tx_code_name(code)) return code;
  }
  return make_error(Errc::malformed, "unknown validity code \"" + name + "\"");
}

Result<CommittedTx> parse_commit(const json& j, const TxId& id) {
  CommittedTx c;
  c.id = id;
  auto height = get_u64(j, "height");
  if (!height) return height.error();
  auto index = get_u64(j, "index");
  if (!index) return index.error();
  auto log_index = get_u64(j, "logIndex");
  if (!log_index) return log_index.error();
  auto validity = get_string(j, "validity");
  if (!validity) return validity.error();
  auto code = parse_tx_code(*validity);
  if (!code) return code.error();
  c.location = {*height, static_cast<std::uint32_t>(*index), *log_index};
  c.result.code = *code;
  if (auto reason = get_string(j, "reason")) c.result.reason = *reason;
  if (auto time = get_u64(j, "blockTimeMs")) c.block_time_ms = *time;
  return c;
}

const char* outcome_name(SubmissionOutcome o) {
  switch (o) {
    case SubmissionOutcome::accepted:
      return "accepted";
    case SubmissionOutcome::committed:
      return "committed";
    case SubmissionOutcome::refused:
      return "refused";
  }
  return "refused";
}

}  // namespace

const char* tx_state_name(TxState state) {
  switch (state) {
    case TxState::pending:
      return "pending";
    case TxState::committed:
      return "committed";
    case TxState::unknown:
      return "unknown";
  }
  return "unknown";
}

Result<nlohmann::json> parse_json(std::string_view text) {
  auto j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return make_error(Errc::malformed, "body is not valid JSON");
  return j;
}

json tx_status_json(const TxId& id, const TxView& view) {
  json j;
  j["id"] = id.hex();
  j["status"] = tx_state_name(view.state);
  if (view.committed) put_commit(j, *view.committed);
  if (!view.encoded.empty()) j["tx"] = to_base64(view.encoded);
  return j;
}

json submission_result_json(const SubmissionResult& r) {
  json j;
  if (r.id) j["id"] = r.id->hex();
  j["status"] = outcome_name(r.outcome);
  if (r.committed) put_commit(j, *r.committed);
  if (r.problem) j["problem"] = problem_to_json(*r.problem);
  return j;
}

json inclusion_proof_json(const InclusionProof& p) {
  return json{{"logIndex", p.log_index},
              {"treeSize", p.tree_size},
              {"rootHash", p.root.hex()},
              {"leafHash", p.leaf_hash.hex()},
              {"hashes", hash_list_json(p.hashes)},
              {"checkpoint", p.checkpoint}};
}

json consistency_proof_json(const ConsistencyProof& p) {
  return json{{"size1", p.size1},
              {"size2", p.size2},
              {"root1", p.root1.hex()},
              {"root2", p.root2.hex()},
              {"hashes", hash_list_json(p.hashes)}};
}

json node_info_json(const NodeInfo& info) {
  return json{{"did", info.did},
              {"checkpointKey", info.checkpoint_key.hex()},
              {"checkpointKeyName", info.checkpoint_key_name},
              {"network", info.network},
              {"networkId", info.network_id.hex()},
              {"height", info.height},
              {"logSize", info.log_size},
              {"ordering", info.ordering}};
}

json block_json(const Block& b) {
  const BlockHeader& h = b.header;
  json header{{"version", h.version},
              {"network", h.network.hex()},
              {"height", h.height},
              {"prevHash", h.prev_hash.hex()},
              {"timeMs", h.time_ms},
              {"txCount", h.tx_count},
              {"txResultsHash", h.tx_results_hash.hex()},
              {"logSize", h.log_size},
              {"logRoot", h.log_root.hex()},
              {"stateDigest", h.state_digest.hex()}};
  json txs = json::array();
  for (std::size_t i = 0; i < b.transactions.size(); ++i) {
    json t{{"id", transaction_id(b.transactions[i]).hex()}, {"tx", to_base64(b.transactions[i])}};
    if (i < b.results.size()) {
      t["validity"] = tx_code_name(b.results[i].code);
      t["reason"] = b.results[i].reason;
    }
    txs.push_back(std::move(t));
  }
  return json{
      {"height", h.height},
      {"hash", block_hash(h).hex()},
      {"header", std::move(header)},
      {"txs", std::move(txs)},
      {"seal", {{"nodeKey", b.seal.node_key.hex()}, {"signature", b.seal.signature.hex()}}}};
}

Result<TxStatus> parse_tx_status(const json& j) {
  if (!j.is_object()) return make_error(Errc::malformed, "transaction status is not a JSON object");
  TxStatus s;
  auto id = get_hash(j, "id");
  if (!id) return id.error();
  s.id = *id;
  auto status = get_string(j, "status");
  if (!status) return status.error();
  if (*status == "committed") {
    s.state = TxState::committed;
    auto c = parse_commit(j, s.id);
    if (!c) return c.error();
    s.committed = *c;
  } else if (*status == "pending") {
    s.state = TxState::pending;
  } else if (*status != "unknown") {
    return make_error(Errc::malformed, "unknown transaction status \"" + *status + "\"");
  }
  if (j.contains("tx")) {
    auto text = get_string(j, "tx");
    if (!text) return text.error();
    auto raw = from_base64(*text);
    if (!raw) return field_error("tx", "base64");
    s.encoded = std::move(*raw);
  }
  return s;
}

Result<SubmissionResult> parse_submission_result(const json& j) {
  if (!j.is_object()) return make_error(Errc::malformed, "submission result is not a JSON object");
  SubmissionResult r;
  if (j.contains("id")) {
    auto id = get_hash(j, "id");
    if (!id) return id.error();
    r.id = *id;
  }
  auto status = get_string(j, "status");
  if (!status) return status.error();
  if (*status == "accepted") {
    r.outcome = SubmissionOutcome::accepted;
  } else if (*status == "committed") {
    r.outcome = SubmissionOutcome::committed;
    if (!r.id) return field_error("id", "present for a committed transaction");
    auto c = parse_commit(j, *r.id);
    if (!c) return c.error();
    r.committed = *c;
  } else if (*status == "refused") {
    r.outcome = SubmissionOutcome::refused;
    auto it = j.find("problem");
    Problem p;
    if (it != j.end() && it->is_object()) {
      int http = 400;
      auto st = it->find("status");
      if (st != it->end() && st->is_number_integer()) http = st->get<int>();
      p = problem_from_error(error_from_problem(http, it->dump()));
      p.status = http;
    }
    r.problem = p;
  } else {
    return make_error(Errc::malformed, "unknown submission status \"" + *status + "\"");
  }
  return r;
}

Result<InclusionProof> parse_inclusion_proof(const json& j) {
  if (!j.is_object()) return make_error(Errc::malformed, "inclusion proof is not a JSON object");
  InclusionProof p;
  auto log_index = get_u64(j, "logIndex");
  if (!log_index) return log_index.error();
  auto tree_size = get_u64(j, "treeSize");
  if (!tree_size) return tree_size.error();
  auto root = get_hash(j, "rootHash");
  if (!root) return root.error();
  auto leaf = get_hash(j, "leafHash");
  if (!leaf) return leaf.error();
  auto hashes = get_hash_list(j, "hashes");
  if (!hashes) return hashes.error();
  auto checkpoint = get_string(j, "checkpoint");
  if (!checkpoint) return checkpoint.error();
  p.log_index = *log_index;
  p.tree_size = *tree_size;
  p.root = *root;
  p.leaf_hash = *leaf;
  p.hashes = std::move(*hashes);
  p.checkpoint = std::move(*checkpoint);
  return p;
}

Result<ConsistencyProof> parse_consistency_proof(const json& j) {
  if (!j.is_object()) return make_error(Errc::malformed, "consistency proof is not a JSON object");
  ConsistencyProof p;
  auto size1 = get_u64(j, "size1");
  if (!size1) return size1.error();
  auto size2 = get_u64(j, "size2");
  if (!size2) return size2.error();
  auto root1 = get_hash(j, "root1");
  if (!root1) return root1.error();
  auto root2 = get_hash(j, "root2");
  if (!root2) return root2.error();
  auto hashes = get_hash_list(j, "hashes");
  if (!hashes) return hashes.error();
  p.size1 = *size1;
  p.size2 = *size2;
  p.root1 = *root1;
  p.root2 = *root2;
  p.hashes = std::move(*hashes);
  return p;
}

Result<NodeInfo> parse_node_info(const json& j) {
  if (!j.is_object()) return make_error(Errc::malformed, "node info is not a JSON object");
  NodeInfo info;
  auto did = get_string(j, "did");
  if (!did) return did.error();
  auto key_text = get_string(j, "checkpointKey");
  if (!key_text) return key_text.error();
  auto key = PublicKey::from_hex(*key_text);
  if (!key) return field_error("checkpointKey", "a 32-byte Ed25519 key in hex");
  auto key_name = get_string(j, "checkpointKeyName");
  if (!key_name) return key_name.error();
  auto network = get_string(j, "network");
  if (!network) return network.error();
  auto network_id = get_hash(j, "networkId");
  if (!network_id) return network_id.error();
  auto height = get_u64(j, "height");
  if (!height) return height.error();
  auto log_size = get_u64(j, "logSize");
  if (!log_size) return log_size.error();
  info.did = std::move(*did);
  info.checkpoint_key = *key;
  info.checkpoint_key_name = std::move(*key_name);
  info.network = std::move(*network);
  info.network_id = *network_id;
  info.height = *height;
  info.log_size = *log_size;
  if (auto ordering = get_string(j, "ordering")) info.ordering = std::move(*ordering);
  return info;
}

}  // namespace pv::api
