// pv pseudonym issue | import | list | require: a patient's record pseudonyms (docs/erasure.md,
// "Pseudonymous records"). `issue` draws fresh keys into the wallet and writes a signed pool file
// for a hospital; records its staff anchor from the pool name a pseudonym, never the patient's
// DID. `require` makes the ledger refuse any new anchor naming her DID.

#include <fstream>

#include "cli/acting.hpp"
#include "cli/commands.hpp"
#include "cli/emergency_views.hpp"
#include "cli/output.hpp"
#include "cli/party_names.hpp"
#include "cli/pseudonym_policies.hpp"
#include "cli/pseudonym_pool_file.hpp"
#include "cli/record_holder.hpp"
#include "identity/pseudonym_pool.hpp"
#include "ledger/consent_payloads.hpp"
#include "ledger/emergency_payloads.hpp"
#include "ledger/erasure/erasure_payloads.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;

struct PseudonymOptions {
  ActingOptions acting;
  std::string node, out, pool;
  std::size_t count = 20;
  bool json = false, replace = false, no_emergency = false, off = false;
  std::uint32_t timeout_ms = 30'000;
};

int issue(const PseudonymOptions& o) {
  Output out(o.json);
  crypto_init();
  if (o.out.empty()) return out.fail("say where to write the pool with -o FILE");
  if (std::filesystem::exists(o.out))
    return out.fail(o.out + " exists", "a pool is handed out once; write a new file");
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto actor = act_as(o.acting, *client);
  if (!actor) return out.fail(actor.error());
  auto store = open_pseudonyms(o.acting, *actor, /*create=*/true);
  if (!store) return out.fail(store.error());
  auto fresh = store->issue(o.count);
  if (!fresh) return out.fail(fresh.error());
  // The wallet keeps the keys before anyone can anchor under them.
  if (auto s = store->save(); !s) return out.fail(s.error(), "no pool was written");
  std::size_t policies = 0;
  if (!o.no_emergency) {
    auto policy = fetch_emergency_policy(*client, actor->did());
    if (!policy) return out.fail(policy.error());
    auto copied = *policy ? give_pseudonyms_policy(*client, *actor, *store, *fresh,
                                                   {1, (*policy)->threshold, (*policy)->custodians},
                                                   std::chrono::milliseconds(o.timeout_ms))
                          : Result<std::size_t>(std::size_t{0});
    if (!copied)
      return out.fail(copied.error(),
                      "the pseudonyms are in your wallet but no pool was written; "
                      "run the command again (or with --no-emergency)");
    policies = *copied;
  }
  std::vector<std::string> dids;
  for (const auto& e : *fresh) dids.push_back(e.did);
  PseudonymPool pool = sign_pool(actor->did(), dids, actor->key());
  {
    std::ofstream f(o.out, std::ios::binary | std::ios::trunc);
    f << encode_pool(pool);
    if (!f.flush()) return out.fail("cannot write " + o.out);
  }
  out.result({{"patient", actor->did()},
              {"pool", o.out},
              {"pseudonyms", dids},
              {"held", store->entries().size()},
              {"emergencyPolicies", policies}},
             std::to_string(dids.size()) + " pseudonyms issued into your wallet; pool written to " +
                 o.out +
                 "\n  give the file to one hospital: its staff add your records with `pv record "
                 "add --pseudonyms " +
                 o.out +
                 " FILE`,\n  each under a pseudonym of its own; the ledger never names you in "
                 "them\n" +
                 (policies ? "  each pseudonym has your emergency custodians and threshold, so "
                             "break-glass covers those records\n"
                           : std::string(o.no_emergency ? ""
                                                        : "  you have no emergency policy: "
                                                          "break-glass will not cover those "
                                                          "records (pv emergency setup first)\n")));
  return kExitOk;
}

int list(const PseudonymOptions& o) {
  Output out(o.json);
  crypto_init();
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto actor = act_as(o.acting, *client);
  if (!actor) return out.fail(actor.error());
  auto store = open_pseudonyms(o.acting, *actor);
  if (!store) return out.fail(store.error());
  // Learn which pseudonyms hold a record by now.
  if (store->unlocked())
    if (auto s = learn_pseudonym_records(*client, *actor, *store); !s) return out.fail(s.error());
  json list = json::array();
  std::string human;
  std::size_t unused = 0;
  for (const auto& e : store->entries()) {
    list.push_back({{"did", e.did}, {"record", e.record.empty() ? json(nullptr) : json(e.record)}});
    if (e.record.empty())
      ++unused;
    else
      human += e.did + "  record " + e.record.substr(0, 16) + "\n";
  }
  human += std::to_string(unused) + " pseudonym(s) not used yet\n";
  out.result({{"patient", actor->did()}, {"pseudonyms", list}}, human);
  return kExitOk;
}

int import(const PseudonymOptions& o) {
  Output out(o.json);
  crypto_init();
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto imported = import_pool(*client, o.pool, o.replace);
  if (!imported) return out.fail(imported.error());
  PartyNames names(o.acting);
  out.result({{"patient", imported->patient},
              {"registered", imported->pseudonym},
              {"unused", imported->left}},
             "pool of " + names.show(imported->patient) + " registered (" +
                 std::to_string(imported->left) +
                 " unused pseudonyms): records you add for this patient with `pv record add "
                 "--patient` are now anchored under them\n");
  return kExitOk;
}

int require(const PseudonymOptions& o) {
  Output out(o.json);
  crypto_init();
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto actor = act_as(o.acting, *client);
  if (!actor) return out.fail(actor.error());
  auto info = client->info();
  if (!info) return out.fail(info.error(), "is the node running at " + o.node + "?");
  const auto setting = o.off ? PseudonymsOnlySetting::off : PseudonymsOnlySetting::require;
  Bytes tx = actor->sign_transaction(info->network_id, kTxTypePseudonymsOnly,
                                     encode_pseudonyms_only({setting}));
  auto committed = client->submit_and_commit(tx, std::chrono::milliseconds(o.timeout_ms));
  if (!committed) return out.fail(committed.error());
  const std::uint64_t height = committed->location.height;
  out.result(
      {{"patient", actor->did()},
       {"pseudonymsOnly", !o.off},
       {"height", height},
       {"transaction", transaction_id(tx).hex()}},
      o.off ? "from height " + std::to_string(height) +
                  " records may again be anchored under your DID\n"
            : "from height " + std::to_string(height) +
                  " every node refuses a record anchored under your DID: hospitals anchor "
                  "your new records under the pseudonyms you give them (pv pseudonym issue)\n");
  return kExitOk;
}

}  // namespace

void add_pseudonym_commands(CLI::App& app, int& exit_code) {
  auto* group = app.add_subcommand(
      "pseudonym",
      "Record pseudonyms: keys that stand for you on the ledger, one per record, so that an "
      "erased record leaves nothing that names you (docs/erasure.md)");
  group->require_subcommand(1);

  auto i = std::make_shared<PseudonymOptions>();
  auto* issue_cmd = group->add_subcommand(
      "issue",
      "Draw fresh pseudonyms into your wallet and write a pool file, signed by you, for one "
      "hospital: its staff anchor your records under them while you are away.");
  add_acting_options(*issue_cmd, i->acting);
  add_node_url_option(*issue_cmd, i->node);
  issue_cmd->add_option("--count", i->count, "how many pseudonyms (one per future record)")
      ->capture_default_str()
      ->check(CLI::Range(1, static_cast<int>(kMaxPoolPseudonyms)));
  issue_cmd->add_option("-o,--out", i->out, "the pool file to write (must not exist)")->required();
  issue_cmd->add_flag("--no-emergency", i->no_emergency,
                      "do not give the pseudonyms your emergency policy (break-glass will not "
                      "cover their records; no policy transaction links them to each other)");
  issue_cmd->add_option("--timeout-ms", i->timeout_ms, "how long to wait for each commit")
      ->capture_default_str();
  issue_cmd->add_flag("--json", i->json, "print the result as JSON");
  issue_cmd->footer("Example:\n  pv pseudonym issue --as alice --count 50 -o alice-st-mary.pool");
  issue_cmd->callback([i, &exit_code] { exit_code = issue(*i); });

  auto m = std::make_shared<PseudonymOptions>();
  auto* import_cmd = group->add_subcommand(
      "import",
      "As a hospital: check a patient's pool (her signature) and register it, so that `pv record "
      "add --patient HER` anchors her records under its pseudonyms");
  import_cmd->add_option("pool", m->pool, "the pool file the patient gave you")->required();
  import_cmd->add_flag("--replace", m->replace,
                       "replace a registered pool of hers that still has unused pseudonyms");
  add_wallet_options(*import_cmd, m->acting);
  add_node_url_option(*import_cmd, m->node);
  import_cmd->add_flag("--json", m->json, "print the result as JSON");
  import_cmd->footer("Example:\n  pv pseudonym import alice-st-mary.pool");
  import_cmd->callback([m, &exit_code] { exit_code = import(*m); });

  auto l = std::make_shared<PseudonymOptions>();
  auto* list_cmd = group->add_subcommand(
      "list", "Your pseudonyms and the records anchored under them (asks the node, as each)");
  add_acting_options(*list_cmd, l->acting);
  add_node_url_option(*list_cmd, l->node);
  list_cmd->add_flag("--json", l->json, "print the result as JSON");
  list_cmd->callback([l, &exit_code] { exit_code = list(*l); });

  auto r = std::make_shared<PseudonymOptions>();
  auto* require_cmd = group->add_subcommand(
      "require",
      "Have the ledger refuse any new record anchored under your DID (a signed transaction), so "
      "that every record of yours names a pseudonym and leaves nothing that names you once "
      "erased. Records already under your DID are not changed.");
  add_acting_options(*require_cmd, r->acting);
  add_node_url_option(*require_cmd, r->node);
  require_cmd->add_flag("--off", r->off, "lift the rule: records may name your DID again");
  require_cmd->add_option("--timeout-ms", r->timeout_ms, "how long to wait for the commit")
      ->capture_default_str();
  require_cmd->add_flag("--json", r->json, "print the result as JSON");
  require_cmd->footer(
      "Examples:\n  pv pseudonym require --as alice\n  pv pseudonym require --as alice --off");
  require_cmd->callback([r, &exit_code] { exit_code = require(*r); });
}

}  // namespace pv::cli
