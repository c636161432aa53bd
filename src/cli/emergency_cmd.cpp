// pv emergency setup | show | release | watch: break-glass access (docs/consent.md section 8).
// The patient names custodian organizations and a threshold; authors then split every new
// record's key among them; after an emergency read, k custodians release their shares to the
// clinician (`release` for one event, `watch` for every new one as soon as it commits), each
// after checking the access event's inclusion proof.

#include <memory>
#include <thread>

#include "cli/commands.hpp"
#include "cli/emergency_custodian.hpp"
#include "cli/emergency_views.hpp"
#include "cli/output.hpp"
#include "cli/party_names.hpp"
#include "cli/pseudonym_policies.hpp"
#include "cli/record_holder.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;

struct EmergencyOptions {
  ActingOptions acting;
  std::string node, checkpoint_key, event, patient;
  std::vector<std::string> custodians;
  std::uint32_t threshold = 2, timeout_ms = 30'000, poll_ms = 20;
  std::uint64_t from = 0;
  bool json = false, once = false, skip_pseudonyms = false;
};

int setup(const EmergencyOptions& o) {
  Output out(o.json);
  crypto_init();
  auto client = api::NodeClient::connect(o.node);
  if (!client) return out.fail(client.error());
  auto actor = act_as(o.acting, *client);
  if (!actor) return out.fail(actor.error());
  auto info = client->info();
  if (!info) return out.fail(info.error(), "is the node running at " + o.node + "?");
  EmergencyPolicy policy;
  for (const auto& list : o.custodians)
    for (std::size_t at = 0; at <= list.size();) {
      std::size_t comma = std::min(list.find(',', at), list.size());
      if (comma > at) {
        auto did = did_of(o.acting, list.substr(at, comma - at));
        if (!did) return out.fail(did.error());
        policy.custodians.push_back(*did);
      }
      at = comma + 1;
    }
  std::sort(policy.custodians.begin(), policy.custodians.end());
  policy.custodians.erase(std::unique(policy.custodians.begin(), policy.custodians.end()),
                          policy.custodians.end());
  if (policy.custodians.size() < kMinCustodians || policy.custodians.size() > kMaxCustodians)
    return out.fail("name 2 to 16 custodian organizations with --custodians ORG,ORG,...");
  if (o.threshold < 2 || o.threshold > policy.custodians.size())
    return out.fail("--threshold must be at least 2 and at most the number of custodians (" +
                    std::to_string(policy.custodians.size()) + ")");
  policy.threshold = static_cast<std::uint8_t>(o.threshold);
  auto current = fetch_emergency_policy(*client, actor->did());
  if (!current) return out.fail(current.error());
  policy.epoch = *current ? (*current)->epoch + 1 : 1;
  Bytes tx = actor->sign_transaction(info->network_id, kTxTypeEmergencyPolicy,
                                     encode_emergency_policy(policy));
  auto committed = client->submit_and_commit(tx, std::chrono::milliseconds(o.timeout_ms));
  if (!committed) return out.fail(committed.error());
  // Her pseudonyms (issued before, or under other custodians) follow her policy, so that
  // break-glass covers records anchored under them from now on.
  std::size_t pseudonyms = 0;
  if (!o.skip_pseudonyms) {
    auto store = open_pseudonyms(o.acting, *actor);
    if (!store) return out.fail(store.error());
    if (!store->entries().empty()) {
      auto given = give_pseudonyms_policy(*client, *actor, *store, store->entries(), policy,
                                          std::chrono::milliseconds(o.timeout_ms));
      if (!given)
        return out.fail(given.error(),
                        "your policy is set; run the command again to give it to your pseudonyms");
      pseudonyms = *given;
    }
  }
  PartyNames names(o.acting);
  std::string human = "emergency access set up for " + names.show(actor->did()) + " (epoch " +
                      std::to_string(policy.epoch) + "): any " + std::to_string(policy.threshold) +
                      " of";
  for (const auto& c : policy.custodians) human += "\n  " + names.show(c);
  human +=
      "\ncan together release the key of a record anchored from now on to a clinician with "
      "an emergency credential; every such read is in your access log";
  out.result({{"policy",
               {{"patient", actor->did()},
                {"epoch", policy.epoch},
                {"threshold", policy.threshold},
                {"custodians", policy.custodians},
                {"tx", transaction_id(tx).hex()},
                {"height", committed->location.height}}},
              {"pseudonymPolicies", pseudonyms}},
             human + (pseudonyms ? "\n" + std::to_string(pseudonyms) +
                                       " of your pseudonyms now follow it (records anchored "
                                       "under them from now on are covered)"
                                 : std::string()));
  return kExitOk;
}

int show(const EmergencyOptions& o) {
  Output out(o.json);
  crypto_init();
  auto client = api::NodeClient::connect(o.node);
  if (!client) return out.fail(client.error());
  std::string patient;
  if (!o.patient.empty()) {
    auto did = did_of(o.acting, o.patient);
    if (!did) return out.fail(did.error());
    patient = *did;
  } else {
    auto actor = act_as(o.acting, *client);
    if (!actor) return out.fail(actor.error(), "or name the patient with --patient");
    patient = actor->did();
  }
  auto policy = fetch_emergency_policy(*client, patient);
  if (!policy) return out.fail(policy.error());
  if (!*policy)
    return out.fail(patient + " has set up no emergency access",
                    "the patient runs `pv emergency setup --custodians ORG,ORG,ORG --threshold 2`");
  PartyNames names(o.acting);
  std::string human = "emergency access of " + names.show(patient) + ", epoch " +
                      std::to_string((*policy)->epoch) + ": any " +
                      std::to_string((*policy)->threshold) + " of";
  for (const auto& c : (*policy)->custodians) human += "\n  " + names.show(c);
  out.result({{"policy", (*policy)->json}}, human);
  return kExitOk;
}

json release_json(const ShareRelease& r) {
  json j = {{"event", r.event.hex()}, {"record", r.record.hex()},
            {"patient", r.patient},   {"reader", r.reader},
            {"share", r.share},       {"tx", r.tx.hex()},
            {"height", r.height},     {"alreadyReleased", r.already_released}};
  if (!r.reader_organization.empty()) j["readerOrganization"] = r.reader_organization;
  if (!r.proof.is_null()) j["proof"] = r.proof;
  return j;
}

int release(const EmergencyOptions& o) {
  Output out(o.json);
  crypto_init();
  auto event = TxId::from_hex(o.event);
  if (!event)
    return out.fail("the event id must be 64 hex characters",
                    "the clinician's `pv record get --emergency` prints it");
  auto client = api::NodeClient::connect(o.node);
  if (!client) return out.fail(client.error());
  auto actor = act_as(o.acting, *client);
  if (!actor) return out.fail(actor.error());
  auto info = client->info();
  if (!info) return out.fail(info.error(), "is the node running at " + o.node + "?");
  auto r = release_emergency_share(*client, *actor, info->network_id, *event, o.checkpoint_key,
                                   std::chrono::milliseconds(o.timeout_ms));
  if (!r) return out.fail(r.error());
  if (r->already_released)
    return out.fail("share " + std::to_string(r->share) + " of " + actor->did() +
                        " was already released for emergency access " + event->hex() +
                        " at height " + std::to_string(r->height),
                    "nothing was sent; a share is released once per emergency read");
  PartyNames names(o.acting);
  out.result({{"release", release_json(*r)}},
             "released share " + std::to_string(r->share) + " of record " +
                 r->record.hex().substr(0, 16) + " (patient " + names.show(r->patient) + ") to " +
                 names.show(r->reader) +
                 "\n  the emergency access event was proven against a "
                 "signed checkpoint first; the release is on the ledger at height " +
                 std::to_string(r->height));
  return kExitOk;
}

int watch(const EmergencyOptions& o) {
  Output out(o.json);
  crypto_init();
  auto client = api::NodeClient::connect(o.node);
  if (!client) return out.fail(client.error());
  auto actor = act_as(o.acting, *client);
  if (!actor) return out.fail(actor.error());
  auto info = client->info();
  if (!info) return out.fail(info.error(), "is the node running at " + o.node + "?");
  PartyNames names(o.acting);
  std::uint64_t cursor = o.from;
  json released = json::array();
  for (;;) {
    auto page = fetch_emergency_events(*client, cursor);
    if (!page) return out.fail(page.error());
    for (const auto& ev : page->first) {
      ++cursor;
      bool mine = false;
      for (const auto& c : ev.custodians) mine = mine || c.organization == actor->did();
      if (!mine || !ev.open) continue;
      auto r = release_emergency_share(*client, *actor, info->network_id, ev.event,
                                       o.checkpoint_key, std::chrono::milliseconds(o.timeout_ms));
      if (!r) {
        out.note("not released for " + ev.event.hex() + ": " + r.error().message);
        continue;
      }
      if (r->already_released) continue;
      released.push_back(release_json(*r));
      if (o.json && !o.once)
        std::printf("%s\n", release_json(*r).dump().c_str());
      else if (!o.json)
        std::printf("released share %u of record %s to %s (event %s, height %llu)\n", r->share,
                    r->record.hex().substr(0, 16).c_str(), names.show(r->reader).c_str(),
                    ev.event.hex().substr(0, 16).c_str(),
                    static_cast<unsigned long long>(r->height));
      std::fflush(stdout);
    }
    if (o.once) break;
    if (page->first.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(o.poll_ms));
  }
  if (o.json) std::printf("%s\n", json{{"released", released}, {"next", cursor}}.dump(2).c_str());
  return kExitOk;
}

void common(CLI::App& cmd, EmergencyOptions& o) {
  add_acting_options(cmd, o.acting);
  add_node_url_option(cmd, o.node);
  cmd.add_flag("--json", o.json, "print the result as JSON");
}

}  // namespace

void add_emergency_commands(CLI::App& app, int& exit_code) {
  auto* group = app.add_subcommand(
      "emergency",
      "Break-glass access for a patient who cannot consent: threshold-controlled "
      "by custodian organizations, every read on the ledger");
  group->require_subcommand(1);

  auto s = std::make_shared<EmergencyOptions>();
  auto* setup_cmd = group->add_subcommand(
      "setup",
      "As the patient: name the custodian organizations (member providers) and how many "
      "of them must agree to open a record in an emergency; records anchored from now "
      "on have their key split among them, under your DID and under your pseudonyms");
  setup_cmd
      ->add_option("--custodians", s->custodians,
                   "custodian organizations: DIDs or wallet "
                   "names, comma-separated (2 to 16)")
      ->required();
  setup_cmd->add_option("--threshold", s->threshold, "how many custodians must release")
      ->capture_default_str();
  setup_cmd->add_option("--timeout-ms", s->timeout_ms, "how long to wait for the commit")
      ->capture_default_str();
  setup_cmd->add_flag("--skip-pseudonyms", s->skip_pseudonyms,
                      "do not give the policy to the record pseudonyms in your wallet (by "
                      "default each one that lacks it gets it, one transaction per pseudonym, "
                      "which tells the ledger that they belong to one person, not whom)");
  common(*setup_cmd, *s);
  setup_cmd->footer(
      "Example:\n  pv emergency setup --as alice --custodians st-marys,riverside,northgate "
      "--threshold 2");
  setup_cmd->callback([s, &exit_code] { exit_code = setup(*s); });

  auto v = std::make_shared<EmergencyOptions>();
  auto* show_cmd = group->add_subcommand("show", "A patient's custodians and threshold");
  show_cmd->add_option("--patient", v->patient, "the patient (DID or wallet name); default: --as");
  common(*show_cmd, *v);
  show_cmd->footer(
      "Examples:\n  pv emergency show --as alice\n  pv emergency show --patient "
      "did:key:z6Mk... --json");
  show_cmd->callback([v, &exit_code] { exit_code = show(*v); });

  auto r = std::make_shared<EmergencyOptions>();
  auto* release_cmd = group->add_subcommand(
      "release",
      "As a custodian organization: release your share of a record's key to the "
      "clinician of one emergency read, after proving the read is on the ledger");
  release_cmd->add_option("event", r->event, "the emergency access event id (hex)")->required();
  release_cmd->add_option("--checkpoint-key", r->checkpoint_key,
                          "expected checkpoint key (hex); default: the one the node announces");
  release_cmd->add_option("--timeout-ms", r->timeout_ms, "how long to wait for the commit")
      ->capture_default_str();
  common(*release_cmd, *r);
  release_cmd->footer("Example:\n  pv emergency release 9c41... --as st-marys");
  release_cmd->callback([r, &exit_code] { exit_code = release(*r); });

  auto w = std::make_shared<EmergencyOptions>();
  auto* watch_cmd = group->add_subcommand(
      "watch",
      "As a custodian organization: follow the ledger and release your share for every "
      "new emergency read as soon as it commits (each proven first); runs until stopped");
  watch_cmd->add_flag("--once", w->once, "handle the emergency reads so far, then exit");
  watch_cmd->add_option("--from", w->from, "start at this position of the emergency event list")
      ->capture_default_str();
  watch_cmd->add_option("--poll-ms", w->poll_ms, "how often to look for new events")
      ->capture_default_str();
  watch_cmd->add_option("--checkpoint-key", w->checkpoint_key,
                        "expected checkpoint key (hex); default: the one the node announces");
  watch_cmd->add_option("--timeout-ms", w->timeout_ms, "how long to wait for each commit")
      ->capture_default_str();
  common(*watch_cmd, *w);
  watch_cmd->footer(
      "Examples:\n  pv emergency watch --as st-marys\n  pv emergency watch --as "
      "st-marys --once --json");
  watch_cmd->callback([w, &exit_code] { exit_code = watch(*w); });
}

}  // namespace pv::cli
