// pv verify: check a ledger without trusting the node, offline (a data directory) or online.

#include <chrono>
#include <memory>

#include "cli/commands.hpp"
#include "cli/node_audit.hpp"
#include "cli/output.hpp"
#include "ledger/cosignature.hpp"
#include "ledger/cosignature_clock.hpp"
#include "ledger/merkle.hpp"
#include "node/verify.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;

struct VerifyOptions {
  std::string data_dir, node, state, checkpoint_key;
  std::size_t samples = 3;
  std::vector<std::string> witnesses;  // cosignature/v1 verifier keys
  std::size_t min_witnesses = 0;
  bool json = false;
  CLI::Option* o_data_dir = nullptr;
};

int verify_offline(const VerifyOptions& o, const Output& out) {
  auto report = verify_data_dir(o.data_dir);
  if (!report) return out.fail(report.error(), "check --data-dir (the node must be stopped)");
  const VerifyReport& r = *report;
  json doc{{"ok", r.ok},
           {"blocks", r.blocks},
           {"transactions", r.transactions},
           {"logSize", r.log_size},
           {"logRoot", r.log_root_hex},
           {"stateDigest", r.state_digest_hex},
           {"seconds", r.seconds}};
  if (r.first_bad_block) doc["firstBadBlock"] = *r.first_bad_block;
  if (!r.ok) doc["problem"] = r.problem;
  std::string human = r.ok ? "ledger verified: " + std::to_string(r.blocks) + " blocks, " +
                                 std::to_string(r.transactions) + " transactions, log size " +
                                 std::to_string(r.log_size) + ", root " + r.log_root_hex +
                                 ", state digest " + r.state_digest_hex
                           : "LEDGER DOES NOT VERIFY (" + std::to_string(r.blocks) +
                                 " blocks and " + std::to_string(r.transactions) +
                                 " transactions checked out before the problem)";
  out.result(doc, human);
  if (r.ok) return kExitOk;
  // The report's problem names the first bad block itself when there is one.
  return out.fail(make_error(Errc::corruption, r.problem),
                  "restore the data directory from a replica or a backup");
}

// The given witnesses that did not cosign, with what the node says they answered it (its word:
// GET /v1/witnesses), e.g. "; w2 did not (the node reports: refused ... 422 ...)".
std::string missing_witnesses(api::NodeClient& client, const std::vector<Cosigner>& trusted,
                              const std::vector<VerifiedCosignature>& cosigned) {
  json reported;
  if (auto reply = client.call("GET", "/v1/witnesses"); reply && reply->status == 200)
    reported = json::parse(reply->body, nullptr, false);
  std::string out;
  for (const auto& t : trusted) {
    bool signed_it = false;
    for (const auto& c : cosigned) signed_it = signed_it || c.name == t.name;
    if (signed_it) continue;
    out += "; " + t.name + " did not";
    if (reported.is_object() && reported["witnesses"].is_array())
      for (const auto& w : reported["witnesses"])
        if (w.is_object() && w.value("name", "") == t.name && !w.value("lastError", "").empty())
          out += " (the node reports: " + w.value("lastError", "") + ")";
  }
  return out;
}

// The witness check of `pv verify --min-witnesses k`: the newest checkpoint that k of the given
// witnesses cosigned is signed by the audited node's key, carries k valid cosignatures by
// distinct witnesses (a bad line by a trusted witness fails everything), and is consistent with
// the checkpoint just audited. Returns the witnesses that cosigned.
Result<std::vector<VerifiedCosignature>> check_witnesses(api::NodeClient& client,
                                                         const VerifyOptions& o,
                                                         const RememberedCheckpoint& audited) {
  std::vector<Cosigner> trusted;
  for (const auto& w : o.witnesses) {
    auto c = parse_cosigner_verifier_key(w);
    if (!c) return make_error(Errc::invalid_argument, "--witness " + w + ": " + c.error().message);
    trusted.push_back(std::move(*c));
  }
  const std::size_t k = o.min_witnesses;
  if (k > trusted.size())
    return make_error(Errc::invalid_argument, "--min-witnesses " + std::to_string(k) +
                                                  " needs at least that many --witness keys");
  auto note = client.cosigned_checkpoint_note(k);
  if (!note) return note.error();
  auto cp = open_checkpoint(*note, audited.key.name, audited.key.key);
  if (!cp) return make_error(Errc::corruption, "the cosigned checkpoint: " + cp.error().message);
  auto cos = verify_cosignatures(*note, trusted, cosignature_time_now());
  if (!cos) return make_error(Errc::corruption, cos.error().message);
  if (cos->size() < k)
    return make_error(Errc::unauthorized, "only " + std::to_string(cos->size()) +
                                              " of the given witnesses cosigned; " +
                                              std::to_string(k) + " required" +
                                              missing_witnesses(client, trusted, *cos));
  const Checkpoint& a = audited.checkpoint;
  if (cp->origin != a.origin)
    return make_error(Errc::corruption, "the cosigned checkpoint is of another log");
  const std::uint64_t lo = std::min(cp->size, a.size), hi = std::max(cp->size, a.size);
  const Hash32& lo_root = cp->size <= a.size ? cp->root : a.root;
  const Hash32& hi_root = cp->size <= a.size ? a.root : cp->root;
  if (lo == hi) {
    if (cp->root != a.root)
      return make_error(Errc::corruption,
                        "the witnesses cosigned another root at size " + std::to_string(lo));
  } else {
    auto proof = client.consistency_proof(lo, hi);
    if (!proof) return proof.error();
    if (auto st = verify_merkle_consistency(lo, hi, proof->hashes, lo_root, hi_root); !st)
      return make_error(Errc::corruption,
                        "the cosigned checkpoint (size " + std::to_string(cp->size) +
                            ") is not consistent with the audited one: " + st.error().message);
  }
  return cos;
}

int verify_online(const VerifyOptions& o, const Output& out) {
  crypto_init();
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto state = load_audit_state(o.state);
  if (!state) return out.fail(state.error(), "fix or move the state file, or pass --state FILE");
  auto info = client->info();
  if (!info) return out.fail(info.error());
  const std::string network_key = info->network_id.hex();
  std::optional<RememberedCheckpoint> previous;
  if (auto it = state->by_network_id.find(network_key); it != state->by_network_id.end())
    previous = it->second;

  NodeAuditOptions options;
  options.sample_blocks = o.samples;
  options.pinned_key_hex = o.checkpoint_key;
  auto report = audit_node(*client, previous, options);
  if (!report)
    return out.fail(report.error(), "do not trust this node; keep the state file as evidence");

  std::vector<VerifiedCosignature> cosigned;
  if (o.min_witnesses > 0 || !o.witnesses.empty()) {
    auto w = check_witnesses(*client, o, report->verified);
    if (!w)
      return out.fail(w.error(), w.error().code == Errc::unavailable
                                     ? "wait for the witnesses, or lower --min-witnesses"
                                     : "do not trust this checkpoint");
    cosigned = std::move(*w);
  }

  state->by_network_id[network_key] = report->verified;
  Status saved = save_audit_state(o.state, *state);
  if (!saved) return out.fail(saved.error(), "the audit passed but could not be remembered");

  const Checkpoint& cp = report->verified.checkpoint;
  json blocks = json::array();
  for (auto h : report->blocks_checked) blocks.push_back(h);
  json doc{{"ok", true},
           {"network", report->info.network},
           {"networkId", network_key},
           {"checkpoint", {{"origin", cp.origin}, {"size", cp.size}, {"rootHash", cp.root.hex()}}},
           {"consistencyChecked", report->consistency_checked},
           {"blocksChecked", blocks},
           {"inclusionProofsChecked", report->inclusion_proofs_checked},
           {"notes", report->notes},
           {"state", o.state}};
  if (report->previous) doc["previousSize"] = report->previous->checkpoint.size;
  if (o.min_witnesses > 0 || !o.witnesses.empty()) {
    json ws = json::array();
    for (const auto& c : cosigned) ws.push_back({{"name", c.name}, {"timestamp", c.timestamp}});
    doc["witnesses"] = ws;
  }
  std::string human = "node verified: network " + report->info.network + ", checkpoint size " +
                      std::to_string(cp.size) + " root " + cp.root.hex() + "\n";
  human += report->previous
               ? "consistent with the checkpoint of size " +
                     std::to_string(report->previous->checkpoint.size) + " seen before\n"
               : "first audit of this network: checkpoint remembered in " + o.state + "\n";
  human += std::to_string(report->blocks_checked.size()) + " blocks and " +
           std::to_string(report->inclusion_proofs_checked) + " inclusion proofs checked";
  if (o.min_witnesses > 0 || !o.witnesses.empty()) {
    human += "\ncosigned by " + std::to_string(cosigned.size()) + " witness(es):";
    for (const auto& c : cosigned) human += " " + c.name;
  }
  for (const auto& n : report->notes) human += "\nnote: " + n;
  out.result(doc, human);
  return kExitOk;
}

}  // namespace

void add_verify_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<VerifyOptions>();
  auto* cmd = app.add_subcommand(
      "verify",
      "Verify a ledger without trusting the node.\n"
      "With --data-dir: re-check every block, seal, signature, Merkle root and state digest of a "
      "stopped node's data directory.\n"
      "Otherwise (online, --node or PV_NODE): verify the node's signed checkpoint, prove it "
      "extends "
      "the checkpoint remembered from the last run (--state), and spot-check blocks and inclusion "
      "proofs; then remember the new checkpoint.");
  o->o_data_dir = cmd->add_option("--data-dir", o->data_dir, "verify this data directory offline");
  add_node_url_option(*cmd, o->node);
  o->state = default_audit_state_path();
  cmd->add_option("--state", o->state, "where checkpoints seen before are remembered")
      ->capture_default_str();
  cmd->add_option("--checkpoint-key", o->checkpoint_key,
                  "expected checkpoint key (hex); default: the remembered one, else the node's");
  cmd->add_option("--samples", o->samples, "random blocks to spot-check online")
      ->capture_default_str();
  cmd->add_option("--witness", o->witnesses,
                  "a witness's cosignature/v1 verifier key (`pv audit key` prints it); repeatable")
      ->type_name("VKEY");
  cmd->add_option("--min-witnesses", o->min_witnesses,
                  "trust the node only if this many of the --witness keys cosigned a checkpoint "
                  "consistent with the one verified (default 0: no witness needed)");
  cmd->add_flag("--json", o->json, "print the report as JSON");
  cmd->footer(
      "Examples:\n  pv verify --data-dir ./pv-data\n"
      "  pv verify --node http://127.0.0.1:7600 --json");
  cmd->callback([o, &exit_code] {
    Output out(o->json);
    exit_code = o->o_data_dir->count() ? verify_offline(*o, out) : verify_online(*o, out);
  });
}

}  // namespace pv::cli
