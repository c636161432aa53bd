// pv org list | propose | approve | submit: the consortium's member organizations and how a
// majority of their admins changes them (docs/organizations.md). Approvals are collected offline
// in a proposal file (cli/proposal_file.hpp) that travels from admin to admin.

#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "cli/acting.hpp"
#include "cli/commands.hpp"
#include "cli/node_ledger.hpp"
#include "cli/output.hpp"
#include "cli/proposal_file.hpp"
#include "cli/solc_build.hpp"
#include "codec/did_key.hpp"
#include "ledger/org_rules.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;

struct OrgOptions {
  ActingOptions acting;
  std::string node, action, org, name, role, threshold, out = "membership-proposal.json", file;
  std::string source, settings, contract = "ConsentRules";
  std::vector<std::string> admins, node_keys;
  std::uint32_t expires_hours = 72, timeout_ms = 30'000;
  bool json = false;
};

// A DID as given, or the DID of a wallet identity of that name.
Result<std::string> did_of(const ActingOptions& acting, const std::string& name_or_did) {
  if (name_or_did.rfind("did:", 0) == 0) return name_or_did;
  auto wallet = open_wallet(acting);
  if (!wallet) return wallet.error();
  auto found = wallet->find(name_or_did);
  if (!found)
    return make_error(found.error().code, "\"" + name_or_did +
                                              "\" is neither a DID nor an identity in the wallet " +
                                              wallet->dir().string());
  return found->did;
}

int list(const OrgOptions& o) {
  Output out(o.json);
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto m = membership_on_node(*client);
  if (!m) return out.fail(m.error(), "is the node running at " + o.node + "?");
  std::string human = "membership version " + std::to_string(m->membership.version) +
                      "; a change needs " + std::to_string(m->approvals_needed) + " of " +
                      std::to_string(m->organizations.size()) + " organizations\n";
  for (const auto& org : m->organizations) {
    human += org.did + "  " + org.record.role + "  " + org.record.name + "\n  admins:";
    for (const auto& a : org.record.admins) human += " " + a;
    human += "\n  node keys: " + std::to_string(org.record.node_keys.size()) + "\n";
  }
  out.result(m->answer, human);
  return kExitOk;
}

Result<MembershipProposal> build_proposal(const OrgOptions& o, api::NodeClient& client,
                                          std::uint64_t version) {
  MembershipProposal p;
  if (o.action == "add")
    p.action = OrgAction::add;
  else if (o.action == "remove")
    p.action = OrgAction::remove;
  else if (o.action == "update")
    p.action = OrgAction::update;
  else if (o.action == "threshold")
    p.action = OrgAction::set_threshold;
  else if (o.action == "contract")
    p.action = OrgAction::contract_version;
  else
    return make_error(Errc::invalid_argument, "the action is add, remove, update, threshold or "
                                              "contract, not \"" + o.action + "\"");
  p.membership_version = version;
  p.expires_ms = unix_millis() + std::uint64_t{o.expires_hours} * 3'600'000;
  if (p.action == OrgAction::contract_version) {
    if (o.source.empty() || o.settings.empty())
      return make_error(Errc::invalid_argument,
                        "a contract version needs --source FILE.sol and --settings FILE.json");
    auto compiled = compile_contract(o.source, o.settings, o.contract);
    if (!compiled) return compiled.error();
    auto read = [](const std::string& path) {
      std::ifstream in(path, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      return ss.str();
    };
    p.contract = {read(o.source), read(o.settings), compiled->compiler, compiled->init_code};
    return p;
  }
  if (p.action == OrgAction::set_threshold) {
    auto slash = o.threshold.find('/');
    try {
      if (slash == std::string::npos) throw std::invalid_argument("no slash");
      std::size_t used = 0;
      p.threshold.numerator =
          static_cast<std::uint32_t>(std::stoul(o.threshold.substr(0, slash), &used));
      if (used != slash) throw std::invalid_argument("numerator");
      p.threshold.denominator =
          static_cast<std::uint32_t>(std::stoul(o.threshold.substr(slash + 1), &used));
      if (used != o.threshold.size() - slash - 1) throw std::invalid_argument("denominator");
    } catch (const std::exception&) {
      return make_error(
          Errc::invalid_argument,
          "--threshold is N/D, e.g. 2/3 (a change then needs more than 2/3 of the organizations)");
    }
    PV_TRY(check_approval_threshold(p.threshold));
    return p;
  }
  if (o.org.empty())
    return make_error(Errc::invalid_argument, "say which organization with --org DID|NAME");
  auto did = did_of(o.acting, o.org);
  if (!did) return did.error();
  p.did = *did;
  if (p.action == OrgAction::remove) return p;
  if (p.action == OrgAction::update) {
    auto current = organization_on_node(client, p.did);
    if (!current) return current.error();
    if (!*current || (*current)->status != OrgStatus::member)
      return make_error(Errc::not_found,
                        p.did + " is not a member organization; use `pv org propose add`");
    p.organization = **current;  // unchanged fields stay as they are
  } else {
    if (o.name.empty() || o.role.empty())
      return make_error(Errc::invalid_argument, "adding an organization needs --name and --role");
    p.organization.admins = {p.did};
  }
  if (!o.name.empty()) p.organization.name = o.name;
  if (!o.role.empty()) p.organization.role = o.role;
  if (!o.admins.empty()) {
    p.organization.admins.clear();
    for (const auto& a : o.admins) {
      auto admin = did_of(o.acting, a);
      if (!admin) return admin.error();
      p.organization.admins.push_back(*admin);
    }
  }
  if (!o.node_keys.empty()) {
    p.organization.node_keys.clear();
    for (const auto& k : o.node_keys) {
      auto key = public_key_from_did_key(k);
      if (!key)
        return make_error(Errc::invalid_argument, "--node-key " + k + ": " + key.error().message);
      p.organization.node_keys.push_back(*key);
    }
  }
  p.organization.status = OrgStatus::member;
  p.organization.changed_height = 0;
  PV_TRY(check_organization_fields(p.organization, "the proposed organization"));
  return p;
}

json file_summary(const ProposalFile& f, const std::string& path) {
  json j = proposal_file_json(f);
  j["file"] = path;
  return j;
}

std::string next_steps(const ProposalFile& f, const std::string& path) {
  return "digest " + proposal_digest(f.network, f.proposal).hex() + "\n" +
         describe_proposal(f.proposal) + "\n" + std::to_string(f.approvals.size()) +
         " approval(s) in " + path + ". Next: each admin runs `pv org approve " + path +
         " --as ADMIN`; then `pv org submit " + path + "`.";
}

Status add_approval(ProposalFile& f, const Actor& actor) {
  for (const auto& a : f.approvals)
    if (a.signer == actor.signer_id())
      return make_error(Errc::conflict, actor.name() + " has already approved this proposal");
  f.approvals.push_back(approve_proposal(f.network, f.proposal, actor.signer_id(), actor.key()));
  return Status::ok();
}

int propose(const OrgOptions& o) {
  Output out(o.json);
  crypto_init();
  if (o.expires_hours == 0 || o.expires_hours > 24 * 365)
    return out.fail("--expires-in-hours must be 1 to 8760");
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto info = client->info();
  if (!info) return out.fail(info.error(), "is the node running at " + o.node + "?");
  auto m = membership_on_node(*client);
  if (!m) return out.fail(m.error());
  auto p = build_proposal(o, *client, m->membership.version);
  if (!p) return out.fail(p.error());
  ProposalFile f{info->network_id, info->network, std::move(*p), {}};
  if (!o.acting.as.empty()) {
    auto actor = unlock_actor(o.acting, o.acting.as, &*client);
    if (!actor) return out.fail(actor.error());
    if (auto s = add_approval(f, *actor); !s) return out.fail(s.error());
  }
  if (auto s = write_proposal_file(o.out, f); !s) return out.fail(s.error());
  out.result(file_summary(f, o.out), "wrote " + o.out + "\n" + next_steps(f, o.out) +
                                         "\nA change needs " + std::to_string(m->approvals_needed) +
                                         " of " + std::to_string(m->organizations.size()) +
                                         " organizations.");
  return kExitOk;
}

int approve(const OrgOptions& o) {
  Output out(o.json);
  crypto_init();
  if (o.acting.as.empty()) return out.fail("say which admin approves with --as NAME|DID");
  auto f = read_proposal_file(o.file);
  if (!f) return out.fail(f.error());
  auto client = api::NodeClient::connect(o.node, node_trust());  // used only to resolve a did:pv admin
  if (!client) return out.fail(client.error());
  auto actor = unlock_actor(o.acting, o.acting.as, &*client);
  if (!actor) return out.fail(actor.error());
  out.note("approving, on network " +
           (f->network_name.empty() ? f->network.hex() : f->network_name) + ":\n" +
           describe_proposal(f->proposal));
  if (auto s = add_approval(*f, *actor); !s) return out.fail(s.error());
  if (auto s = write_proposal_file(o.file, *f); !s) return out.fail(s.error());
  out.result(file_summary(*f, o.file), "approved as " + actor->signer_id() + " (digest " +
                                           proposal_digest(f->network, f->proposal).hex() + "); " +
                                           std::to_string(f->approvals.size()) +
                                           " approval(s) in " + o.file +
                                           ". Next: more admins run `pv org approve " + o.file +
                                           " --as ADMIN`, then `pv org submit " + o.file + "`.");
  return kExitOk;
}

int submit(const OrgOptions& o) {
  Output out(o.json);
  crypto_init();
  auto f = read_proposal_file(o.file);
  if (!f) return out.fail(f.error());
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto info = client->info();
  if (!info) return out.fail(info.error(), "is the node running at " + o.node + "?");
  if (info->network_id != f->network)
    return out.fail("the proposal is for network " + f->network.hex() + " but the node at " +
                        o.node + " runs " + info->network_id.hex(),
                    "submit it to a node of that network with --node");
  Bytes payload = encode_membership_change({f->proposal, f->approvals});
  Bytes encoded;
  if (!o.acting.as.empty()) {
    auto actor = act_as(o.acting, *client);
    if (!actor) return out.fail(actor.error());
    encoded = actor->sign_transaction(info->network_id, kTxTypeOrgMembership, payload);
  } else {
    // The approvals carry the authority: a one-time key may sign the envelope.
    SigningKey once = SigningKey::generate();
    client->set_signer(api::RequestSigner{once, did_key_from_public_key(once.public_key())});
    Transaction tx{kTxTypeOrgMembership,
                   did_key_from_public_key(once.public_key()),
                   1,
                   unix_millis(),
                   payload,
                   {}};
    sign_transaction(info->network_id, once, tx);
    encoded = encode_transaction(tx);
  }
  auto committed = client->submit_and_commit(encoded, std::chrono::milliseconds(o.timeout_ms));
  if (!committed) return out.fail(committed.error(), "the membership is unchanged");
  json doc = {{"id", committed->id.hex()},
              {"height", committed->location.height},
              {"proposal", proposal_json(f->proposal)},
              {"approvals", f->approvals.size()}};
  out.result(doc, "membership changed in block " + std::to_string(committed->location.height) +
                      " (transaction " + committed->id.hex() + "):\n" +
                      describe_proposal(f->proposal));
  return kExitOk;
}

}  // namespace

void add_org_commands(CLI::App& app, int& exit_code) {
  auto* org =
      app.add_subcommand("org", "The consortium's member organizations and changes to them");
  org->require_subcommand(1);
  auto o = std::make_shared<OrgOptions>();

  auto* list_cmd = org->add_subcommand(
      "list", "List the member organizations, their roles, admins and node keys");
  add_node_url_option(*list_cmd, o->node);
  list_cmd->add_flag("--json", o->json, "print the node's GET /v1/organizations answer");
  list_cmd->footer("Example:\n  pv org list --node http://127.0.0.1:7600");
  list_cmd->callback([o, &exit_code] { exit_code = list(*o); });

  auto* propose_cmd = org->add_subcommand(
      "propose",
      "Write a membership proposal file for admins to approve (with --as, approve it at once)");
  propose_cmd->add_option("action", o->action, "add | remove | update | threshold | contract")
      ->required();
  propose_cmd->add_option(
      "--org", o->org, "the organization: its DID (or a wallet name); all actions but threshold");
  propose_cmd->add_option("--threshold", o->threshold,
                          "threshold: N/D, a change then needs more than N/D of the organizations");
  propose_cmd->add_option("--name", o->name,
                          "organization name (add; update keeps the current one if absent)");
  propose_cmd->add_option("--role", o->role,
                          "provider | insurer | regulator | ... (add; update optional)");
  propose_cmd->add_option(
      "--admin", o->admins,
      "an admin DID or wallet name; repeat for several (add: default the org's DID)");
  propose_cmd->add_option("--node-key", o->node_keys, "a node key as did:key; repeat for several");
  propose_cmd->add_option("--source", o->source,
                          "contract: the Solidity source of the new consent contract version");
  propose_cmd->add_option("--settings", o->settings,
                          "contract: the compiler settings (solc standard-JSON \"settings\")");
  propose_cmd->add_option("--contract", o->contract, "contract: the contract in the source")
      ->capture_default_str();
  propose_cmd->add_option("--expires-in-hours", o->expires_hours, "the proposal is void after this")
      ->capture_default_str();
  propose_cmd->add_option("--out", o->out, "proposal file to write")->capture_default_str();
  add_acting_options(*propose_cmd, o->acting);
  add_node_url_option(*propose_cmd, o->node);
  propose_cmd->add_flag("--json", o->json, "print the proposal file as JSON");
  propose_cmd->footer(
      "Examples:\n"
      "  pv org propose add --org did:key:z6Mk... --name 'Northside Lab' --role provider \\\n"
      "      --admin did:key:z6Mk... --node-key did:key:z6Mk... --out lab.json --as alice\n"
      "  pv org propose remove --org did:key:z6Mk... --out remove.json\n"
      "  pv org propose update --org did:key:z6Mk... --role regulator --out update.json\n"
      "  pv org propose threshold --threshold 2/3 --out two-thirds.json --as alice\n"
      "  pv org propose contract --source contracts/ConsentRules.sol \\\n"
      "      --settings contracts/settings.json --out contract-v2.json --as alice\n"
      "A contract version is compiled here with the pinned solc; each admin checks it with\n"
      "`pv contract verify SOURCE --settings FILE --proposal FILE` before approving.");
  propose_cmd->callback([o, &exit_code] { exit_code = propose(*o); });

  auto* approve_cmd = org->add_subcommand(
      "approve",
      "Approve a proposal file as an admin of a member organization (offline for did:key admins)");
  approve_cmd->add_option("file", o->file, "the proposal file; the approval is added to it")
      ->required();
  add_acting_options(*approve_cmd, o->acting);
  add_node_url_option(*approve_cmd, o->node);
  approve_cmd->add_flag("--json", o->json, "print the updated proposal file as JSON");
  approve_cmd->footer("Example:\n  pv org approve lab.json --as bob");
  approve_cmd->callback([o, &exit_code] { exit_code = approve(*o); });

  auto* submit_cmd = org->add_subcommand(
      "submit",
      "Send an approved proposal to the ledger (any identity, or a one-time key, may submit)");
  submit_cmd->add_option("file", o->file, "the approved proposal file")->required();
  submit_cmd->add_option("--timeout-ms", o->timeout_ms, "how long to wait for the commit")
      ->capture_default_str();
  add_acting_options(*submit_cmd, o->acting);
  add_node_url_option(*submit_cmd, o->node);
  submit_cmd->add_flag("--json", o->json, "print {\"id\", \"height\", ...} as JSON");
  submit_cmd->footer("Example:\n  pv org submit lab.json && pv org list");
  submit_cmd->callback([o, &exit_code] { exit_code = submit(*o); });
}

}  // namespace pv::cli
