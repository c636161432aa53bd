// pv consent grant | revoke | list: a patient's consent on the ledger (docs/consent.md). Keys
// follow consent on this side: a grant carries the data keys (or the category secret) sealed to
// the grantee; a revocation of a category consent rotates the category key.

#include <algorithm>
#include <memory>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/consent_writer.hpp"
#include "cli/ledger_prover.hpp"
#include "cli/node_ledger.hpp"
#include "cli/output.hpp"
#include "cli/party_names.hpp"
#include "cli/record_holder.hpp"
#include "cli/record_views.hpp"
#include "ledger/signer.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;

struct ConsentOptions {
  ActingOptions acting;
  std::string node, to, category, id, action = "access", checkpoint_key;
  std::vector<std::string> records, purposes;
  std::uint32_t days = 30, timeout_ms = 30'000;
  bool json = false, verify = false, received = false;
};

std::uint64_t days_ms(std::uint32_t days) {
  return std::uint64_t{days} * 86'400'000;
}

std::vector<std::string> split_commas(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    std::stringstream ss(v);
    std::string item;
    while (std::getline(ss, item, ','))
      if (!item.empty()) out.push_back(item);
  }
  return out;
}

int grant(const ConsentOptions& o) {
  Output out(o.json);
  crypto_init();
  if (o.days == 0 || o.days > 3650) return out.fail("--days must be 1 to 3650");
  if (o.records.empty() == o.category.empty())
    return out.fail("give either --record ID (one or more) or --category TYPE",
                    "a category consent also covers records added later");
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto actor = act_as(o.acting, *client);
  if (!actor) return out.fail(actor.error());
  auto info = client->info();
  if (!info) return out.fail(info.error(), "is the node running at " + o.node + "?");
  auto grantee = did_of(o.acting, o.to);
  if (!grantee) return out.fail(grantee.error());
  GrantPlan plan;
  plan.grantee = *grantee;
  auto org = organization_on_node(*client, *grantee);
  if (org && *org) plan.grantee_kind = GranteeKind::organization;
  auto action = parse_consent_action(o.action);
  if (!action) return out.fail(action.error(), "actions: collect, access, use, disclose, correct");
  plan.actions = static_cast<std::uint8_t>(*action);
  plan.purposes = split_commas(o.purposes);
  for (const auto& p : plan.purposes)
    if (!is_known_purpose(p))
      return out.fail("unknown purpose \"" + p + "\"",
                      "use an HL7 v3 PurposeOfUse code such as TREAT, HPAYMT, HRESCH, ETREAT");
  for (const auto& r : o.records) {
    auto id = RecordId::from_hex(r);
    if (!id)
      return out.fail("record id must be 64 hex characters, got \"" + r + "\"",
                      "see `pv record list`");
    plan.records.push_back(*id);
  }
  plan.category = o.category;
  plan.not_before_ms = unix_millis();
  plan.not_after_ms = plan.not_before_ms + days_ms(o.days);
  // Records under one of the patient's pseudonyms are granted by that pseudonym: one consent
  // per key that speaks for them (docs/erasure.md, "Pseudonymous records").
  auto store = open_pseudonyms(o.acting, *actor);
  if (!store) return out.fail(store.error());
  std::vector<std::pair<Actor, std::vector<RecordId>>> groups;
  for (const auto& id : plan.records) {
    auto holder = holder_of(*client, *actor, *store, id);
    if (!holder) return out.fail(holder.error());
    auto g = std::find_if(groups.begin(), groups.end(),
                          [&](const auto& x) { return x.first.did() == holder->did(); });
    if (g == groups.end()) groups.push_back({std::move(*holder), {id}});
    else g->second.push_back(id);
  }
  if (groups.empty()) groups.push_back({*actor, {}});
  CommittedTx committed;
  std::vector<Bytes> txs;
  json consent_ids = json::array();
  for (auto& [holder, records] : groups) {
    holder.sign_requests_of(*client);
    GrantPlan part = plan;
    part.records = records;
    auto built = build_grant(*client, holder, info->network_id, part);
    if (!built) return out.fail(built.error(), consent_ids.empty() ? "" : "consents " + consent_ids.dump() + " were granted before it");
    for (const auto& tx : *built) {
      auto c = client->submit_and_commit(tx, std::chrono::milliseconds(o.timeout_ms));
      if (!c) return out.fail(c.error());
      committed = *c;
    }
    consent_ids.push_back(transaction_id(built->back()).hex());
    txs.insert(txs.end(), built->begin(), built->end());
  }
  actor->sign_requests_of(*client);
  const ConsentId id = transaction_id(txs.back());
  json consent = {
      {"id", id.hex()},
      {"patient", actor->did()},
      {"grantee", *grantee},
      {"granteeKind", plan.grantee_kind == GranteeKind::organization ? "organization" : "person"},
      {"purposes", plan.purposes},
      {"action", o.action},
      {"notBeforeMs", plan.not_before_ms},
      {"notAfterMs", plan.not_after_ms},
      {"height", committed.location.height}};
  if (plan.records.empty())
    consent["category"] = plan.category;
  else
    consent["records"] = o.records;
  if (groups.size() == 1 && groups.front().first.did() != actor->did())
    consent["pseudonym"] = groups.front().first.did();
  if (plan.records.empty() && txs.size() > 1) consent["categoryKeyPublished"] = true;
  json doc = {{"consent", consent}};
  if (groups.size() > 1) doc["consents"] = consent_ids;
  if (o.verify) {
    auto prover = LedgerProver::create(*client, o.checkpoint_key);
    if (!prover) return out.fail(prover.error());
    auto proven = prover->prove(id, kTxTypeConsentGrant);
    if (!proven) return out.fail(proven.error(), "do not trust this node's answer");
    doc["consent"]["proof"] = proven->summary;
  }
  PartyNames names(o.acting);
  std::string scope = plan.records.empty() ? "every " + plan.category + " record, now and later"
                                           : std::to_string(plan.records.size()) + " record(s)";
  out.result(doc, "consent " + id.hex() + "\n  " + names.show(*grantee) + " may " + o.action + " " +
                      scope + " for " + json(plan.purposes).dump() + " for " +
                      std::to_string(o.days) + " days (height " +
                      std::to_string(committed.location.height) + ")" +
                      (o.verify ? "\n  inclusion proof verified" : ""));
  return kExitOk;
}

int revoke(const ConsentOptions& o) {
  Output out(o.json);
  crypto_init();
  auto id = ConsentId::from_hex(o.id);
  if (!id) return out.fail("consent id must be 64 hex characters", "see `pv consent list`");
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto actor = act_as(o.acting, *client);
  if (!actor) return out.fail(actor.error());
  auto info = client->info();
  if (!info) return out.fail(info.error());
  // A consent of a pseudonymous record is the pseudonym's: it alone may see and revoke it.
  auto store = open_pseudonyms(o.acting, *actor);
  if (!store) return out.fail(store.error());
  auto resource = get_json(*client, "/v1/consents/" + id->hex());
  for (const auto& e : store->entries()) {
    if (resource || resource.error().code != Errc::forbidden) break;
    auto pseudonym = pseudonym_actor(*actor, *store, e.did);
    if (!pseudonym) return out.fail(pseudonym.error());
    pseudonym->sign_requests_of(*client);
    resource = get_json(*client, "/v1/consents/" + id->hex());
    if (resource) actor = Result<Actor>(std::move(*pseudonym));
  }
  actor->sign_requests_of(*client);
  if (!resource) return out.fail(resource.error());
  auto consent = parse_consent_resource(*resource);
  if (!consent) return out.fail(consent.error());
  auto c = client->submit_and_commit(build_revoke(*actor, info->network_id, *id),
                                     std::chrono::milliseconds(o.timeout_ms));
  if (!c) return out.fail(c.error());
  json doc = {{"revoked", id->hex()}, {"height", c->location.height}};
  std::string human =
      "consent " + id->hex() + " revoked at height " + std::to_string(c->location.height);
  if (!consent->category.empty()) {
    // docs/consent.md 5.2: the next epoch, sealed to every other consent still in force.
    auto rotation = build_rotation(*client, *actor, info->network_id, consent->category);
    if (!rotation) return out.fail(rotation.error(), "the revocation stands; rotate again later");
    if (*rotation) {
      auto r = client->submit_and_commit(**rotation, std::chrono::milliseconds(o.timeout_ms));
      if (!r) return out.fail(r.error(), "the revocation stands; rotate again later");
      auto key = fetch_category_key(*client, actor->did(), consent->category);
      std::uint32_t epoch = key && *key ? (*key)->epoch : 0;
      doc["categoryKeyRotated"] = {{"category", consent->category}, {"epoch", epoch}};
      human += "\n" + consent->category + " category key rotated to epoch " +
               std::to_string(epoch) +
               ": records added from now on are sealed to a key the "
               "revoked grantee does not have";
    }
  }
  out.result(doc, human);
  return kExitOk;
}

int list(const ConsentOptions& o) {
  Output out(o.json);
  crypto_init();
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto actor = act_as(o.acting, *client);
  if (!actor) return out.fail(actor.error());
  std::string target =
      (o.received ? "/v1/grantees/" : "/v1/patients/") + actor->did() + "/consents";
  auto resources = fetch_bundle(*client, target);
  if (!resources) return out.fail(resources.error());
  std::optional<LedgerProver> prover;
  if (o.verify) {
    auto p = LedgerProver::create(*client, o.checkpoint_key);
    if (!p) return out.fail(p.error());
    prover.emplace(std::move(*p));
  }
  PartyNames names(o.acting);
  json consents = json::array();
  std::string human;
  for (const auto& r : *resources) {
    auto c = parse_consent_resource(r);
    if (!c) return out.fail(c.error());
    json entry = {{"id", c->id.hex()},     {"status", c->status},     {"patient", c->patient},
                  {"grantee", c->grantee}, {"purposes", c->purposes}, {"actions", c->actions},
                  {"start", c->start},     {"end", c->end},           {"resource", r}};
    if (!c->category.empty()) entry["category"] = c->category;
    if (!c->records.empty()) entry["records"] = c->records;
    if (prover) {
      auto proven = prover->prove(c->id, kTxTypeConsentGrant);
      if (!proven) return out.fail(proven.error(), "do not trust this node's answer");
      if (nonce_owner(proven->tx.signer) != c->patient)
        return out.fail("consent " + c->id.hex() + " on the ledger was signed by " +
                            proven->tx.signer + ", not by " + c->patient,
                        "do not trust this node's answer");
      entry["proof"] = proven->summary;
    }
    consents.push_back(entry);
    human += c->id.hex().substr(0, 16) + "  " + c->status + "  " +
             (o.received ? "from " + names.show(c->patient) : "to " + names.show(c->grantee)) +
             "  " +
             (c->category.empty() ? std::to_string(c->records.size()) + " record(s)"
                                  : "category " + c->category) +
             "  " + json(c->purposes).dump() + "  until " + c->end + "\n";
  }
  if (human.empty()) human = "no consents";
  if (prover) human += "every consent's inclusion proof verified against a signed checkpoint\n";
  out.result({{"consents", consents}}, human);
  return kExitOk;
}

void common(CLI::App& cmd, ConsentOptions& o) {
  add_acting_options(cmd, o.acting);
  add_node_url_option(cmd, o.node);
  cmd.add_flag("--json", o.json, "print the result as JSON");
  cmd.add_option("--timeout-ms", o.timeout_ms, "how long to wait for commits")
      ->capture_default_str();
}

void verify_options(CLI::App& cmd, ConsentOptions& o) {
  cmd.add_flag("--verify", o.verify,
               "check each consent's inclusion proof here against a signed checkpoint");
  cmd.add_option("--checkpoint-key", o.checkpoint_key,
                 "expected checkpoint key (hex); default: the one the node announces");
}

}  // namespace

void add_consent_commands(CLI::App& app, int& exit_code) {
  auto* consent = app.add_subcommand("consent", "Grant, revoke and list a patient's consents");
  consent->require_subcommand(1);

  auto g = std::make_shared<ConsentOptions>();
  auto* grant_cmd = consent->add_subcommand(
      "grant",
      "Let someone read your records: a consent signed with your key (FHIR R4 Consent, permit). "
      "The records' keys (or your category key) are sealed to the grantee in your wallet.");
  grant_cmd->add_option("--to", g->to, "grantee: a DID or a wallet identity name")->required();
  grant_cmd->add_option("--record", g->records, "record id (repeat for several)");
  grant_cmd->add_option("--category", g->category,
                        "a category (FHIR resource type), including records added later");
  grant_cmd
      ->add_option("--purpose", g->purposes,
                   "HL7 v3 PurposeOfUse code(s): TREAT, HPAYMT, HRESCH, ...")
      ->required();
  grant_cmd->add_option("--days", g->days, "how many days the consent lasts")
      ->capture_default_str();
  grant_cmd->add_option("--action", g->action, "collect, access, use, disclose or correct")
      ->capture_default_str();
  common(*grant_cmd, *g);
  verify_options(*grant_cmd, *g);
  grant_cmd->footer(
      "Examples:\n  pv consent grant --as alice --to dr-bob --record 3f2a... --purpose TREAT "
      "--days 30\n  pv consent grant --as alice --to dr-bob --category Observation --purpose "
      "TREAT --days 365 --json");
  grant_cmd->callback([g, &exit_code] { exit_code = grant(*g); });

  auto r = std::make_shared<ConsentOptions>();
  auto* revoke_cmd = consent->add_subcommand(
      "revoke",
      "End a consent now. For a category consent the category key is rotated too, so records "
      "added later are sealed to a key the revoked grantee does not have.");
  revoke_cmd->add_option("id", r->id, "consent id (hex)")->required();
  common(*revoke_cmd, *r);
  revoke_cmd->footer("Example:\n  pv consent revoke 77ab... --as alice");
  revoke_cmd->callback([r, &exit_code] { exit_code = revoke(*r); });

  auto l = std::make_shared<ConsentOptions>();
  auto* list_cmd = consent->add_subcommand(
      "list", "The consents you granted (or, with --received, those granted to you)");
  list_cmd->add_flag("--received", l->received, "list consents that name you as grantee");
  common(*list_cmd, *l);
  verify_options(*list_cmd, *l);
  list_cmd->footer(
      "Examples:\n  pv consent list --as alice --verify\n"
      "  pv consent list --as dr-bob --received --json");
  list_cmd->callback([l, &exit_code] { exit_code = list(*l); });
}

}  // namespace pv::cli
