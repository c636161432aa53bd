// pv tx submit / pv tx get: anchor a document hash, look up a transaction and check its proof.

#include <chrono>
#include <fstream>
#include <memory>

#include "api/client.hpp"
#include "cli/acting.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/proof_check.hpp"
#include "ledger/anchor.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;

struct SubmitOptions {
  ActingOptions acting;
  std::string anchor_hex, file, raw, node;
  bool wait = false, json = false;
  std::uint32_t timeout_ms = 30'000;
};

struct GetOptions {
  std::string id, node, checkpoint_key;
  bool proof = false, json = false;
};

Result<Hash32> hash_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::not_found, "cannot read file " + path);
  Sha256 h;
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    h.update(as_bytes(std::string_view(buf.data(), static_cast<std::size_t>(in.gcount()))));
  }
  if (in.bad()) return make_error(Errc::io, "cannot read file " + path);
  return h.finish();
}

void put_commit(json& doc, const CommittedTx& c) {
  doc["height"] = c.location.height;
  doc["index"] = c.location.index;
  doc["logIndex"] = c.location.log_index;
  doc["validity"] = tx_code_name(c.result.code);
  doc["reason"] = c.result.reason;
}

std::string describe_commit(const CommittedTx& c) {
  std::string s = "committed in block " + std::to_string(c.location.height) + " (index " +
                  std::to_string(c.location.index) + ", log index " +
                  std::to_string(c.location.log_index) + "), " + tx_code_name(c.result.code);
  if (!c.result.reason.empty()) s += ": " + c.result.reason;
  return s;
}

int submit(const SubmitOptions& o) {
  Output out(o.json);
  crypto_init();
  DocumentAnchor anchor;
  if (!o.file.empty()) {
    auto h = hash_file(o.file);
    if (!h) return out.fail(h.error());
    anchor.document_hash = *h;
  } else if (!o.anchor_hex.empty()) {
    auto h = Hash32::from_hex(o.anchor_hex);
    if (!h)
      return out.fail("--anchor must be a SHA-256 hash: 64 hex characters",
                      "or use --file PATH to hash a file");
    anchor.document_hash = *h;
  } else if (o.raw.empty()) {
    return out.fail("nothing to anchor", "give --anchor SHA256HEX or --file PATH");
  }
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto actor = act_as(o.acting, *client);
  if (!actor) return out.fail(actor.error());
  Bytes encoded;
  if (!o.raw.empty()) {
    // Relayed as is: the transaction keeps its own signature; the request is signed by --as.
    auto raw = from_base64(o.raw);
    if (!raw) return out.fail("--raw must be base64 of a signed transaction");
    encoded = std::move(*raw);
    auto tx = decode_transaction(encoded);
    if (tx && tx->type == kTxTypeAnchor)
      if (auto a = decode_anchor(tx->payload)) anchor = *a;
  } else {
    auto info = client->info();
    if (!info) return out.fail(info.error());
    // The nonce is microseconds since the epoch: strictly increasing for one signer across runs
    // without any local state, as long as the clock does not step back (see docs/cli.md).
    encoded = actor->sign_transaction(info->network_id, kTxTypeAnchor, encode_anchor(anchor));
  }

  auto result = client->submit(encoded, o.wait, std::chrono::milliseconds(o.timeout_ms));
  if (!result) return out.fail(result.error());
  const TxId id = result->id.value_or(transaction_id(encoded));
  json doc{{"id", id.hex()}, {"anchor", anchor.document_hash.hex()}};
  if (result->outcome == api::SubmissionOutcome::refused) {
    Error e = result->problem
                  ? api::error_from_problem(result->problem->status,
                                            api::problem_to_json(*result->problem).dump())
                  : make_error(Errc::internal, "refused without a reason");
    return out.fail(e);
  }
  if (result->outcome == api::SubmissionOutcome::accepted) {
    doc["status"] = "accepted";
    out.result(doc, id.hex());
    if (o.wait)
      return out.fail(make_error(Errc::unavailable,
                                 "not committed within " + std::to_string(o.timeout_ms) + " ms"),
                      "check later with `pv tx get " + id.hex() + "`");
    return kExitOk;
  }
  const CommittedTx& c = *result->committed;
  doc["status"] = "committed";
  put_commit(doc, c);
  out.result(doc, id.hex() + "\n" + describe_commit(c));
  if (c.result.code != TxCode::valid)
    return out.fail(make_error(Errc::conflict, std::string("the ledger marked the transaction ") +
                                                   tx_code_name(c.result.code) + ": " +
                                                   c.result.reason));
  return kExitOk;
}

int get(const GetOptions& o) {
  Output out(o.json);
  crypto_init();
  auto id = TxId::from_hex(o.id);
  if (!id)
    return out.fail("transaction id must be 64 hex characters", "copy it from `pv tx submit`");
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto status = client->get_tx(*id);
  if (!status) return out.fail(status.error());
  json doc{{"id", id->hex()}, {"status", api::tx_state_name(status->state)}};
  std::string human = id->hex() + " " + api::tx_state_name(status->state);
  if (status->committed) {
    put_commit(doc, *status->committed);
    human = id->hex() + " " + describe_commit(*status->committed);
  }
  if (!o.proof) {
    out.result(doc, human);
    return kExitOk;
  }
  if (!status->committed)
    return out.fail("transaction " + id->hex() + " is not committed yet", "retry in a moment");

  auto info = client->info();
  if (!info) return out.fail(info.error());
  auto trusted = trusted_checkpoint_key(*info, o.checkpoint_key);
  if (!trusted) return out.fail(trusted.error());
  auto proof = client->inclusion_proof(*id);
  if (!proof) return out.fail(proof.error());
  auto checked = check_inclusion(*id, *status, *proof, *trusted);
  if (!checked) return out.fail(checked.error(), "do not trust this node's answer");
  doc["proof"] = {{"verified", true},
                  {"logIndex", checked->log_index},
                  {"treeSize", checked->checkpoint.size},
                  {"rootHash", checked->checkpoint.root.hex()},
                  {"leafHash", checked->leaf_hash.hex()},
                  {"checkpointKeyName", trusted->name}};
  out.result(doc, human + "\nproof verified: leaf " + std::to_string(checked->log_index) +
                      " of a log of " + std::to_string(checked->checkpoint.size) +
                      " entries, root " + checked->checkpoint.root.hex() + ", signed by " +
                      trusted->name);
  return kExitOk;
}

}  // namespace

void add_tx_commands(CLI::App& app, int& exit_code) {
  auto* tx = app.add_subcommand("tx", "Submit and inspect transactions");
  tx->require_subcommand(1);

  auto s = std::make_shared<SubmitOptions>();
  auto* submit_cmd = tx->add_subcommand(
      "submit",
      "Anchor a document: sign a transaction that records its SHA-256 (never the document) and "
      "send it to the node. Prints the transaction id; with --wait also where it was committed.");
  auto* anchor = submit_cmd->add_option("--anchor", s->anchor_hex, "SHA-256 of the document, hex");
  auto* file = submit_cmd->add_option("--file", s->file, "hash this file and anchor its SHA-256");
  anchor->excludes(file);
  auto* raw = submit_cmd->add_option(
      "--raw", s->raw,
      "relay a transaction someone already signed (base64 of its encoding, as GET /v1/tx/{id} "
      "shows it); only the request is signed by --as");
  raw->excludes(anchor);
  raw->excludes(file);
  submit_cmd->add_flag("--wait", s->wait, "wait until the transaction is committed");
  submit_cmd->add_option("--timeout-ms", s->timeout_ms, "how long --wait waits")
      ->capture_default_str();
  add_acting_options(*submit_cmd, s->acting);
  add_node_url_option(*submit_cmd, s->node);
  submit_cmd->add_flag("--json", s->json, "print {\"id\", \"status\", ...} as JSON");
  submit_cmd->footer(
      "Examples:\n  pv tx submit --as alice --file discharge-letter.pdf --wait\n"
      "  pv tx submit --anchor $(sha256sum scan.dcm | cut -d' ' -f1) --json");
  submit_cmd->callback([s, &exit_code] { exit_code = submit(*s); });

  auto g = std::make_shared<GetOptions>();
  auto* get_cmd = tx->add_subcommand(
      "get",
      "Show a transaction's status. With --proof, fetch its inclusion proof and check it here: "
      "the leaf is recomputed from the transaction bytes, the checkpoint signature is checked "
      "with the node's checkpoint key (or --checkpoint-key) and the proof against its root.");
  get_cmd->add_option("id", g->id, "transaction id (hex)")->required();
  get_cmd->add_flag("--proof", g->proof, "verify the inclusion proof locally");
  get_cmd->add_option("--checkpoint-key", g->checkpoint_key,
                      "expected checkpoint key (hex); default: the one the node announces");
  add_node_url_option(*get_cmd, g->node);
  get_cmd->add_flag("--json", g->json, "print the status (and proof check) as JSON");
  get_cmd->footer("Example:\n  pv tx get 3f1c...e9 --proof");
  get_cmd->callback([g, &exit_code] { exit_code = get(*g); });
}

}  // namespace pv::cli
