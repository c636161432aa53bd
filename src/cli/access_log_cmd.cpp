// pv access-log: the patient's view of every read and every refusal of their records — who,
// for which organization, when, under which consent, and the outcome — and of every erasure of
// one of them and every legal hold on one (cli/access_log_erasures.hpp), from the FHIR R4
// AuditEvents the node serves; with --verify each read, refusal and erasure is proven to be a
// ledger transaction, and what is shown is checked against the proven bytes (an active hold is
// state, shown as the node serves it).

#include <memory>

#include "cli/access_log_erasures.hpp"
#include "cli/commands.hpp"
#include "cli/emergency_views.hpp"
#include "cli/ledger_prover.hpp"
#include "cli/output.hpp"
#include "cli/party_names.hpp"
#include "cli/record_holder.hpp"
#include "cli/record_views.hpp"
#include "ledger/erasure/erasure_payloads.hpp"
#include "ledger/signer.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;

struct AccessLogOptions {
  ActingOptions acting;
  std::string node, checkpoint_key;
  bool json = false, verify = false;
};

std::string identifier_of(const json& reference) {
  if (!reference.is_object() || !reference.contains("identifier")) return {};
  return reference["identifier"].value("value", "");
}

struct LogEntry {
  std::string id, time, outcome, reader, organization, node, record, consent, purpose, reason,
      basis;
};

Result<LogEntry> read_entry(const json& e) {
  LogEntry l;
  try {
    l.id = e.at("id").get<std::string>();
    l.time = e.at("recorded").get<std::string>();
    l.outcome = e.at("outcome").get<std::string>() == "0" ? "permitted" : "refused";
    l.purpose = e.at("purposeOfEvent").at(0).at("coding").at(0).at("code").get<std::string>();
    for (const auto& agent : e.at("agent")) {
      std::string who = identifier_of(agent.value("who", json()));
      std::string type = agent.value("who", json()).value("type", "");
      if (agent.value("requestor", false))
        l.reader = who;
      else if (type == "Organization")
        l.organization = who;
      else
        l.node = who;
    }
    for (const auto& entity : e.at("entity")) {
      const json& what = entity.at("what");
      if (what.value("type", "") == "Consent")
        l.consent = identifier_of(what);
      else
        l.record = identifier_of(what);
    }
    l.reason = e.value("outcomeDesc", "");
    l.basis = ledger_value(e, "basis");
  } catch (const json::exception&) {
    return make_error(Errc::malformed, "the node served an AuditEvent of an unexpected shape");
  }
  return l;
}

// The shown entry must say what the proven access event says.
Status matches(const LogEntry& l, const ProvenTx& proven) {
  auto event = decode_access_event(proven.tx.payload);
  if (!event) return event.error();
  const bool permitted = event->outcome == AccessOutcome::permitted;
  if (event->reader != l.reader || event->record.hex() != l.record ||
      permitted != (l.outcome == "permitted") || event->purpose != l.purpose ||
      event->reason != l.reason || event->reader_organization != l.organization ||
      (event->basis == AccessBasis::consent && event->consent.hex() != l.consent) ||
      nonce_owner(proven.tx.signer) != l.node)
    return make_error(Errc::corruption,
                      "access event " + l.id + " as served differs from the proven transaction");
  return Status::ok();
}

// The entry's transaction proven against a signed checkpoint and matched with what the node
// served: the proof's summary. `what` names the entry in errors.
template <class Entry>
Result<json> proven_entry(LedgerProver& prover, const Entry& l, TxType type,
                          Status (*match)(const Entry&, const ProvenTx&), const std::string& what) {
  auto id = TxId::from_hex(l.id);
  if (!id)
    return make_error(Errc::corruption,
                      "the node served " + what + " whose id is not a transaction id");
  auto proven = prover.prove(*id, type);
  if (!proven) return proven.error();
  PV_TRY(match(l, *proven));
  return proven->summary;
}

int access_log(const AccessLogOptions& o) {
  Output out(o.json);
  crypto_init();
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto actor = act_as(o.acting, *client);
  if (!actor) return out.fail(actor.error());
  auto events = fetch_bundle(*client, "/v1/patients/" + actor->did() + "/access-log");
  if (!events) return out.fail(events.error());
  // Each pseudonymous record's log is its pseudonym's (docs/erasure.md).
  auto store = open_pseudonyms(o.acting, *actor);
  if (!store) return out.fail(store.error());
  if (store->unlocked())
    if (auto s = learn_pseudonym_records(*client, *actor, *store); !s) return out.fail(s.error());
  for (const auto& e : store->entries()) {
    if (e.record.empty()) continue;
    auto pseudonym = pseudonym_actor(*actor, *store, e.did);
    if (!pseudonym) return out.fail(pseudonym.error());
    pseudonym->sign_requests_of(*client);
    auto more = fetch_bundle(*client, "/v1/patients/" + e.did + "/access-log");
    actor->sign_requests_of(*client);
    if (!more) return out.fail(more.error());
    events->insert(events->end(), more->begin(), more->end());
  }
  std::optional<LedgerProver> prover;
  if (o.verify) {
    auto p = LedgerProver::create(*client, o.checkpoint_key);
    if (!p) return out.fail(p.error());
    prover.emplace(std::move(*p));
  }
  PartyNames names(o.acting);
  json entries = json::array();
  std::string human;
  std::uint64_t permitted = 0, refused = 0, erasures = 0, holds = 0;
  auto add_erasure = [&](const ErasureLogEntry& l, const json& source,
                          const char* source_name) -> Status {
    json entry = erasure_entry_json(l);
    if (prover && l.kind == "erasure") {
      auto proof = proven_entry(*prover, l, kTxTypeRecordErase, matches_erase, "an erasure");
      if (!proof) return proof.error();
      entry["proof"] = *proof;
    }
    entry[source_name] = source;
    entries.push_back(entry);
    (l.kind == "erasure" ? erasures : holds) += 1;
    human += erasure_entry_text(l, names);
    return Status::ok();
  };
  for (const auto& e : *events) {
    if (!erasure_event_kind(e).empty()) {
      auto l = read_erasure_entry(e);
      if (!l) return out.fail(l.error());
      if (auto s = add_erasure(*l, e, "auditEvent"); !s)
        return out.fail(s.error(), "do not trust this node's answer");
      continue;
    }
    auto l = read_entry(e);
    if (!l) return out.fail(l.error());
    json entry = {{"kind", "access"},      {"id", l->id},         {"time", l->time},
                  {"outcome", l->outcome}, {"reader", l->reader}, {"purpose", l->purpose},
                  {"record", l->record},   {"node", l->node},     {"basis", l->basis}};
    if (!l->organization.empty()) entry["organization"] = l->organization;
    if (!l->consent.empty()) entry["consent"] = l->consent;
    if (!l->reason.empty()) entry["reason"] = l->reason;
    // A break-glass read: say so loudly, with the custodians that released the key.
    const bool emergency = l->basis == "emergency" && l->outcome == "permitted";
    std::string released_by;
    if (emergency) {
      entry["emergency"] = true;
      auto id = TxId::from_hex(l->id);
      auto view = id ? fetch_emergency_event(*client, *id) : Result<EmergencyEventView>(id.error());
      if (view) {
        json custodians = json::array();
        for (const auto& r : view->releases) {
          custodians.push_back(r.custodian);
          released_by += (released_by.empty() ? "" : ", ") + names.show(r.custodian);
        }
        entry["releasedBy"] = custodians;
        entry["threshold"] = view->threshold;
      }
    }
    if (prover) {
      auto proof = proven_entry(*prover, *l, kTxTypeAccessEvent, matches, "an AuditEvent");
      if (!proof) return out.fail(proof.error(), "do not trust this node's answer");
      entry["proof"] = *proof;
    }
    entry["auditEvent"] = e;
    entries.push_back(entry);
    (l->outcome == "permitted" ? permitted : refused) += 1;
    human +=
        l->time + "  " +
        (emergency ? "EMERGENCY READ (break-glass)"
                   : (l->outcome == "permitted" ? "READ   " : "REFUSED")) +
        "  " + names.show(l->reader) +
        (l->organization.empty() ? "" : " for " + names.show(l->organization)) + "  record " +
        l->record.substr(0, 12) + "  purpose " + l->purpose +
        (l->consent.empty() ? (l->basis.empty() || l->basis == "none" ? "" : "  as " + l->basis)
                            : "  consent " + l->consent.substr(0, 12)) +
        (l->reason.empty() ? "" : "\n      reason: " + l->reason) +
        (emergency ? "\n      key released by custodians: " +
                         (released_by.empty() ? std::string("none yet") : released_by)
                   : "") +
        "\n";
  }
  // Records erased under her pseudonyms: the pseudonym is gone, her wallet's note remains.
  for (const auto& gone : store->erased()) {
    auto status = get_json(*client, "/v1/records/" + gone.record + "/erasure");
    if (!status) return out.fail(status.error());
    auto l = erasure_from_status(*status, gone.pseudonym);
    if (!l) return out.fail(l.error());
    if (auto s = add_erasure(*l, *status, "erasureStatus"); !s)
      return out.fail(s.error(), "do not trust this node's answer");
  }
  // Erasures and holds are named only when there are some: most logs have none.
  human += std::to_string(permitted) + " read(s), " + std::to_string(refused) + " refusal(s)";
  if (erasures > 0) human += ", " + std::to_string(erasures) + " erasure(s)";
  if (holds > 0) human += ", " + std::to_string(holds) + " active legal hold(s)";
  if (prover) human += "; every entry proven against a checkpoint signed by " + prover->key().name;
  out.result({{"patient", actor->did()}, {"entries", entries}}, human);
  return kExitOk;
}

}  // namespace

void add_access_log_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<AccessLogOptions>();
  auto* cmd = app.add_subcommand(
      "access-log",
      "Every read and every refusal of your records, from the ledger: who, for which "
      "organization, when, under which consent, and the outcome; every erasure of one of your "
      "records (when, by whom, why) and every legal hold on one (FHIR R4 AuditEvent).");
  add_acting_options(*cmd, o->acting);
  add_node_url_option(*cmd, o->node);
  cmd->add_flag("--json", o->json, "print {\"patient\", \"entries\": [...]} as JSON");
  cmd->add_flag("--verify", o->verify,
                "prove every entry against a signed checkpoint and check it against the proven "
                "transaction");
  cmd->add_option("--checkpoint-key", o->checkpoint_key,
                  "expected checkpoint key (hex); default: the one the node announces");
  cmd->footer("Examples:\n  pv access-log --as alice\n  pv access-log --as alice --verify --json");
  cmd->callback([o, &exit_code] { exit_code = access_log(*o); });
}

}  // namespace pv::cli
