// pv record erase | legal-hold place|lift | erasure-status: the right to be forgotten from the
// patient's (or an officer's) side. Each write is one signed transaction (types 37 and 38); the
// node's eraser then deletes the content and its receipt (type 39) shows in erasure-status.

#include <fstream>
#include <memory>

#include "cli/acting.hpp"
#include "cli/commands.hpp"
#include "cli/node_ledger.hpp"
#include "cli/output.hpp"
#include "cli/record_erasure.hpp"
#include "cli/record_holder.hpp"
#include "cli/record_views.hpp"
#include "ledger/erasure/erasure_payloads.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;

struct ErasureOptions {
  ActingOptions acting;
  std::string node, id, reason, credential, action;
  std::uint32_t timeout_ms = 30'000;
  bool json = false, all = false;
};

Result<std::string> credential_from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::not_found, "cannot read credential file " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.erase(0, 1);
  if (text.empty()) return make_error(Errc::invalid_argument, "credential file " + path + " is empty");
  return text;
}

int erase(const ErasureOptions& o) {
  Output out(o.json);
  crypto_init();
  if (o.all == !o.id.empty())
    return out.fail("name one RECORD to erase, or --all for every record of yours");
  auto reason = parse_erasure_reason(o.reason);
  if (!reason) return out.fail(reason.error());
  std::string credential;
  if (!o.credential.empty()) {
    auto text = credential_from_file(o.credential);
    if (!text) return out.fail(text.error(), "check the path given to --credential");
    credential = std::move(*text);
  }
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto actor = act_as(o.acting, *client);
  if (!actor) return out.fail(actor.error());
  auto info = client->info();
  if (!info) return out.fail(info.error(), "is the node running at " + o.node + "?");
  // A patient's pseudonymous records are erased by their pseudonyms (an officer has none).
  auto store = credential.empty() ? open_pseudonyms(o.acting, *actor)
                                  : Result<PseudonymStore>(PseudonymStore());
  if (!store) return out.fail(store.error());
  std::vector<RecordId> ids;
  if (o.all) {
    auto records = fetch_held_records(*client, *actor, *store);
    if (!records) return out.fail(records.error());
    for (const auto& r : *records) ids.push_back(r.view.id);
  } else {
    auto id = RecordId::from_hex(o.id);
    if (!id) return out.fail("record id must be 64 hex characters", "see `pv record list`");
    ids.push_back(*id);
  }
  json erased = json::array();
  std::string human;
  std::size_t pseudonyms_destroyed = 0, named_you = 0;
  for (const auto& id : ids) {
    auto holder = holder_of(*client, *actor, *store, id);
    if (!holder) return out.fail(holder.error());
    Bytes tx = holder->sign_transaction(info->network_id, kTxTypeRecordErase,
                                        encode_record_erase({id, *reason, credential}));
    auto committed = client->submit_and_commit(tx, std::chrono::milliseconds(o.timeout_ms));
    if (!committed)
      return out.fail(make_error(committed.error().code,
                                 "record " + id.hex() + " not erased: " + committed.error().message),
                      erased.empty() ? "see `pv record erasure-status " + id.hex() + "`"
                                     : std::to_string(erased.size()) + " record(s) erased before it");
    json entry = {{"record", id.hex()},
                  {"transaction", transaction_id(tx).hex()},
                  {"height", committed->location.height}};
    // The wallet destroys the pseudonym's key: nothing is left that links the record to you.
    if (holder->did() != actor->did() && store->destroy(holder->did())) {
      if (auto s = store->save(); !s)
        return out.fail(s.error(), "record " + id.hex() + " is erased; the wallet could not drop "
                                   "its pseudonym, run the command again");
      entry["pseudonymDestroyed"] = holder->did();
      ++pseudonyms_destroyed;
    } else if (holder->did() == actor->did()) {
      ++named_you;
    }
    erased.push_back(entry);
    human += "record " + id.hex() + " erased at height " +
             std::to_string(committed->location.height) + "\n";
  }
  // A record anchored under the patient's own DID leaves no key in the wallet (its key is
  // sealed to her identity key), but its anchor in the history keeps naming her.
  if (ids.empty()) human = "no records to erase\n";
  else
    human += "every node deletes the content and confirms: `pv record erasure-status RECORD`\n";
  if (pseudonyms_destroyed)
    human += std::to_string(pseudonyms_destroyed) +
             " pseudonym key(s) destroyed in your wallet: the ledger keeps nothing that names you "
             "for those records\n";
  if (named_you)
    human += "note: " + std::to_string(named_you) +
             " record(s) were anchored under your DID, not a pseudonym: their anchors in the "
             "ledger's history still name you (docs/erasure.md)\n";
  out.result({{"erased", erased}, {"reason", std::string(erasure_reason_code(*reason))}}, human);
  return kExitOk;
}

int legal_hold(const ErasureOptions& o) {
  Output out(o.json);
  crypto_init();
  auto id = RecordId::from_hex(o.id);
  if (!id) return out.fail("record id must be 64 hex characters");
  auto reason = parse_hold_reason(o.reason);
  if (!reason) return out.fail(reason.error());
  auto credential = credential_from_file(o.credential);
  if (!credential) return out.fail(credential.error(), "pass your legal-officer credential with --credential FILE");
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto actor = act_as(o.acting, *client);
  if (!actor) return out.fail(actor.error());
  auto info = client->info();
  if (!info) return out.fail(info.error(), "is the node running at " + o.node + "?");
  const HoldAction action = o.action == "place" ? HoldAction::place : HoldAction::lift;
  Bytes tx = actor->sign_transaction(info->network_id, kTxTypeLegalHold,
                                     encode_legal_hold({action, *id, *reason, *credential}));
  auto committed = client->submit_and_commit(tx, std::chrono::milliseconds(o.timeout_ms));
  if (!committed) return out.fail(committed.error());
  out.result({{"record", id->hex()},
              {"action", o.action},
              {"reason", std::string(hold_reason_code(*reason))},
              {"height", committed->location.height}},
             "legal hold " + std::string(action == HoldAction::place ? "placed on" : "lifted from") +
                 " record " + id->hex() + " at height " +
                 std::to_string(committed->location.height) + " (" +
                 std::string(hold_reason_code(*reason)) + ")");
  return kExitOk;
}

std::string status_text(const json& s) {
  std::string text = "record " + s.value("record", std::string()) + "\n";
  if (s.value("erased", false)) {
    const json& t = s["tombstone"];
    const json& by = t["by"];
    text += "  erased at height " + std::to_string(t.value("height", 0ull)) + " (" +
            t.value("time", std::string()) + ") by " + by.value("kind", std::string()) +
            (by.contains("organization") ? " of " + by.value("organization", std::string()) : "") +
            ", reason " + t.value("reason", std::string()) + "\n";
  } else {
    text += "  not erased\n";
  }
  for (const auto& h : s["holds"]) text += "  " + h.value("verdict", std::string()) + "\n";
  for (const auto& r : s["receipts"])
    text += "  confirmed by node " + r.value("nodeKey", std::string()) + " (" +
            r.value("organization", std::string()) + ") at height " +
            std::to_string(r.value("height", 0ull)) + ": " +
            std::to_string(r.value("blocksDeleted", 0ull)) + " block(s) deleted, " +
            std::to_string(r.value("blocksShared", 0ull)) + " shared, " +
            std::to_string(r.value("keySlotsDeleted", 0ull)) + " key slot(s), compacted " +
            (r.value("compacted", false) ? "yes" : "no") + "\n";
  for (const auto& p : s["pending"])
    text += "  pending: node " + p.value("nodeKey", std::string()) + " (" +
            p.value("organization", std::string()) + ")\n";
  return text;
}

int erasure_status(const ErasureOptions& o) {
  Output out(o.json);
  crypto_init();
  auto id = RecordId::from_hex(o.id);
  if (!id) return out.fail("record id must be 64 hex characters");
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto actor = act_as(o.acting, *client);
  if (!actor) return out.fail(actor.error());
  auto status = get_json(*client, "/v1/records/" + id->hex() + "/erasure");
  if (!status) return out.fail(status.error());
  if (!status->is_object() || !(*status)["holds"].is_array() ||
      !(*status)["receipts"].is_array() || !(*status)["pending"].is_array())
    return out.fail("the node's erasure status is not what docs/api.md describes");
  out.result(*status, status_text(*status));
  return kExitOk;
}

void common(CLI::App& cmd, ErasureOptions& o) {
  add_acting_options(cmd, o.acting);
  add_node_url_option(cmd, o.node);
  cmd.add_flag("--json", o.json, "print the result as JSON");
  cmd.add_option("--timeout-ms", o.timeout_ms, "how long to wait for commits")
      ->capture_default_str();
}

}  // namespace

void add_record_erasure_commands(CLI::App& record, int& exit_code) {
  auto e = std::make_shared<ErasureOptions>();
  e->reason = "patient-request";
  auto* erase_cmd = record.add_subcommand(
      "erase",
      "Erase a record (GDPR Article 17): signed by its patient, or by a data-protection officer "
      "of its author organization with --credential. From the erasing block on, nodes answer 410 "
      "Gone for it, delete its state, key grants and content, and each confirms with a signed "
      "receipt. Refused while a legal hold is active (the verdict says who holds it and why).");
  erase_cmd->add_option("record", e->id, "record id (hex)");
  erase_cmd->add_flag("--all", e->all, "erase every record of yours (the patient's)");
  erase_cmd
      ->add_option("--reason", e->reason,
                   "patient-request, consent-withdrawn, unlawful-processing, legal-obligation or "
                   "officer-other (officers only)")
      ->capture_default_str();
  erase_cmd->add_option("--credential", e->credential,
                        "as a data-protection officer: your ledger role credential (VC-JWT file, "
                        "role data-protection-officer)");
  common(*erase_cmd, *e);
  erase_cmd->footer(
      "Examples:\n  pv record erase 3f2a... --as alice\n"
      "  pv record erase --all --as alice --reason consent-withdrawn\n"
      "  pv record erase 3f2a... --as dpo-kim --credential kim.jwt --reason unlawful-processing");
  erase_cmd->callback([e, &exit_code] { exit_code = erase(*e); });

  auto h = std::make_shared<ErasureOptions>();
  auto* hold_cmd = record.add_subcommand(
      "legal-hold",
      "Place or lift a legal hold (GDPR Article 17(3)) on a record as a legal officer: while any "
      "hold is active the record cannot be erased. Only the organization that placed a hold "
      "lifts it.");
  hold_cmd->add_option("action", h->action, "place or lift")
      ->required()
      ->check(CLI::IsMember({"place", "lift"}));
  hold_cmd->add_option("record", h->id, "record id (hex)")->required();
  hold_cmd->add_option("--credential", h->credential,
                       "your ledger role credential (VC-JWT file, role legal-officer)")
      ->required();
  hold_cmd
      ->add_option("--reason", h->reason,
                   "litigation, public-health, legal-claims or archiving-public-interest")
      ->required();
  common(*hold_cmd, *h);
  hold_cmd->footer(
      "Examples:\n  pv record legal-hold place 3f2a... --as counsel-lee --credential lee.jwt "
      "--reason litigation\n"
      "  pv record legal-hold lift 3f2a... --as counsel-lee --credential lee.jwt --reason "
      "litigation");
  hold_cmd->callback([h, &exit_code] { exit_code = legal_hold(*h); });

  auto s = std::make_shared<ErasureOptions>();
  auto* status_cmd = record.add_subcommand(
      "erasure-status",
      "A record's erasure: when and by whom it was erased, its legal holds, which nodes "
      "confirmed (with their counts of deleted blocks and key slots) and which are pending.");
  status_cmd->add_option("record", s->id, "record id (hex)")->required();
  common(*status_cmd, *s);
  status_cmd->footer("Example:\n  pv record erasure-status 3f2a... --as alice --json");
  status_cmd->callback([s, &exit_code] { exit_code = erasure_status(*s); });
}

}  // namespace pv::cli
