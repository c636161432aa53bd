// pv contract show | verify: the consent contract version in force, and reproducing a contract's
// bytecode from its Solidity source with the pinned compiler (docs/evm.md, "Governance").

#include <fstream>
#include <memory>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/proposal_file.hpp"
#include "cli/record_views.hpp"
#include "cli/solc_build.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;

struct ContractOptions {
  std::string node, source, settings, contract = "ConsentRules", proposal;
  bool json = false;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string hex0x(ByteView b) {
  return "0x" + to_hex(b);
}

// GET /v1/contracts/consent.
Result<json> version_on_node(const std::string& node) {
  auto client = api::NodeClient::connect(node, node_trust());
  if (!client) return client.error();
  auto j = get_json(*client, "/v1/contracts/consent");
  if (!j) return j.error();
  if (!j->is_object() || !(*j)["codeHash"].is_string() || !(*j)["version"].is_number_unsigned())
    return make_error(Errc::malformed, "the node's contract answer has the wrong shape");
  return j;
}

int show(const ContractOptions& o) {
  Output out(o.json);
  auto v = version_on_node(o.node);
  if (!v) return out.fail(v.error(), "is the node running at " + o.node + "?");
  const json& j = *v;
  out.result(j, "consent contract version " + std::to_string(j["version"].get<std::uint64_t>()) +
                    " at " + j.value("address", "") +
                    "\n  code hash (keccak256): " + j["codeHash"].get<std::string>() +
                    "\n  in force since height " + std::to_string(j.value("height", 0ull)) +
                    ", gas cap " + std::to_string(j.value("gasCap", 0ull)) + "\n  compiler " +
                    j.value("compiler", "") + ", source SHA-256 " + j.value("sourceSha256", ""));
  return kExitOk;
}

int verify(const ContractOptions& o) {
  Output out(o.json);
  auto compiled = compile_contract(o.source, o.settings, o.contract);
  if (!compiled) return out.fail(compiled.error());
  json doc = {{"source", o.source},
              {"settings", o.settings},
              {"contract", o.contract},
              {"compiler", compiled->compiler},
              {"codeHash", hex0x(compiled->runtime_hash.view())}};
  std::vector<std::string> mismatches;
  std::string against;
  if (!o.proposal.empty()) {
    // Before approving: does the proposal carry exactly this source, these settings and the
    // init code they compile to?
    auto f = read_proposal_file(o.proposal);
    if (!f) return out.fail(f.error());
    if (f->proposal.action != OrgAction::contract_version)
      return out.fail(o.proposal + " proposes no contract version");
    const ContractProposal& p = f->proposal.contract;
    against = "the proposal " + o.proposal;
    if (p.source != read_text(o.source)) mismatches.push_back("the source differs");
    if (p.settings != read_text(o.settings)) mismatches.push_back("the settings differ");
    if (p.compiler != compiled->compiler)
      mismatches.push_back("the proposal names compiler " + p.compiler);
    if (p.init_code != compiled->init_code)
      mismatches.push_back("the init code differs from what the source compiles to");
    doc["proposal"] = o.proposal;
  } else {
    auto v = version_on_node(o.node);
    if (!v) return out.fail(v.error(), "is the node running at " + o.node + "?");
    against = "the version in force on " + o.node;
    doc["inForce"] = *v;
    if ((*v)["codeHash"].get<std::string>() != hex0x(compiled->runtime_hash.view()))
      mismatches.push_back("the code hash in force is " + (*v)["codeHash"].get<std::string>());
  }
  doc["match"] = mismatches.empty();
  doc["mismatches"] = mismatches;
  if (!mismatches.empty()) {
    std::string why;
    for (const auto& m : mismatches) why += "\n  " + m;
    out.result(doc, o.source + " with " + o.settings + " compiles to code hash " +
                        hex0x(compiled->runtime_hash.view()) + ", which does NOT match " + against +
                        ":" + why);
    return kExitFailure;
  }
  out.result(doc, "match: " + o.source + " with " + o.settings + " (solc " + compiled->compiler +
                      ") reproduces " + against + "; code hash " +
                      hex0x(compiled->runtime_hash.view()));
  return kExitOk;
}

}  // namespace

void add_contract_commands(CLI::App& app, int& exit_code) {
  auto* contract = app.add_subcommand(
      "contract", "The consent contract in force, and reproducing its bytecode from source");
  contract->require_subcommand(1);
  auto o = std::make_shared<ContractOptions>();

  auto* show_cmd = contract->add_subcommand(
      "show", "The consent contract version in force: address, code hash, gas cap, compiler");
  add_node_url_option(*show_cmd, o->node);
  show_cmd->add_flag("--json", o->json, "print the node's GET /v1/contracts/consent answer");
  show_cmd->callback([o, &exit_code] { exit_code = show(*o); });

  auto* verify_cmd = contract->add_subcommand(
      "verify",
      "Rebuild a Solidity source with the pinned solc and compare it with the code hash in force "
      "(or, with --proposal, with a contract-version proposal before approving it)");
  verify_cmd->add_option("source", o->source, "the Solidity file, e.g. contracts/ConsentRules.sol")
      ->required();
  verify_cmd
      ->add_option("--settings", o->settings,
                   "the compiler settings (solc standard-JSON \"settings\"), e.g. "
                   "contracts/settings.json")
      ->required();
  verify_cmd->add_option("--contract", o->contract, "the contract in the file")
      ->capture_default_str();
  verify_cmd->add_option("--proposal", o->proposal,
                         "a proposal file of `pv org propose contract` to check instead");
  add_node_url_option(*verify_cmd, o->node);
  verify_cmd->add_flag("--json", o->json, "print {match, codeHash, mismatches, ...} as JSON");
  verify_cmd->footer(
      "Exit status 0 when the bytecode matches, 1 when it does not.\n"
      "Examples:\n"
      "  pv contract verify contracts/ConsentRules.sol --settings contracts/settings.json\n"
      "  pv contract verify new.sol --settings settings.json --proposal contract-v2.json\n"
      "The compiler is contracts/compile.mjs with the solc of contracts/package-lock.json\n"
      "(scripts/deps.sh installs it); set PV_CONTRACTS_DIR when pv runs outside the source tree.");
  verify_cmd->callback([o, &exit_code] { exit_code = verify(*o); });
}

}  // namespace pv::cli
