// pv prove: the patient proves claims about an attestation to a verifier, in zero knowledge
// (docs/attestations.md). Runs on the patient's side: it opens the values locally, refuses a
// claim that is false for them, proves the rest bound to the attestation, the verifier's DID,
// the verifier's nonce and the patient's key, signs, and writes the proof file. The file also
// carries the attestation transaction and its inclusion proof under the node's signed
// checkpoint, so a verifier without a node can check it offline.

#include <fstream>

#include "cli/attest_commands.hpp"
#include "cli/attestation_fetch.hpp"
#include "cli/attestation_openings.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/proof_check.hpp"
#include "identity/attestation_presentation.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;

struct ProveOptions {
  ActingOptions acting;
  std::string node, attestation, verifier, nonce, out;
  std::vector<std::string> claims;
  bool json = false, no_inclusion = false;
};

Result<CarriedInclusion> carried_inclusion(api::NodeClient& client, const NodeInfo& info,
                                           const AttestationId& id) {
  auto status = client.get_tx(id);
  if (!status) return status.error();
  auto proof = client.inclusion_proof(id);
  if (!proof) return proof.error();
  auto key = trusted_checkpoint_key(info, "");
  if (!key) return key.error();
  // Checked here so the file never carries a proof that does not verify.
  auto checked = check_inclusion(id, *status, *proof, *key);
  if (!checked) return checked.error();
  return CarriedInclusion{status->encoded, proof->checkpoint, proof->log_index, proof->hashes};
}

int prove(const ProveOptions& o) {
  Output out(o.json);
  crypto_init();
  auto id = parse_attestation_id(o.attestation);
  if (!id) return out.fail(id.error());
  if (o.nonce.empty() || o.nonce.size() > kMaxNonceBytes)
    return out.fail("--nonce must be 1 to 256 bytes", "use the nonce the verifier gave you");
  if (o.verifier.rfind("did:", 0) != 0)
    return out.fail("--for takes the verifier's DID (did:...)", "ask the verifier for it");
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto info = client->info();
  if (!info) return out.fail(info.error(), "is the node running at " + o.node + "?");
  auto actor = act_as(o.acting, *client);
  if (!actor) return out.fail(actor.error());
  auto a = fetch_attestation(*client, *id);
  if (!a) return out.fail(a.error());
  const AttestationIssue& issue = a->state.issue;
  if (issue.patient != actor->did())
    return out.fail(
        "attestation " + id->hex() + " is about " + issue.patient + ", not " + actor->did(),
        "prove with the patient's identity (--as)");
  if (a->state.revoked)
    return out.fail("attestation " + id->hex() + " was revoked by its issuer at height " +
                        std::to_string(a->state.revoked_height),
                    "no verifier would accept a proof of it");
  std::vector<AttestationClaim> claims;
  for (const auto& text : o.claims) {
    auto c = parse_claim(issue.schema, text);
    if (!c) return out.fail(c.error());
    claims.push_back(std::move(*c));
  }
  auto openings = fetch_openings(o.node, issue, *actor);
  if (!openings) return out.fail(openings.error());
  PresentationInput in{issue, claims, o.verifier, o.nonce, actor->key()};
  auto file = make_presentation(in, *id, zk_openings(*openings));
  if (!file)
    return out.fail(file.error(), file.error().code == Errc::invalid_argument
                                      ? "a proof can only show what is true"
                                      : "");
  if (!o.no_inclusion) {
    auto inclusion = carried_inclusion(*client, *info, *id);
    if (!inclusion) return out.fail(inclusion.error());
    file->inclusion = std::move(*inclusion);
  }
  const std::string text = presentation_file_json(*file, issue.schema);
  std::ofstream f(o.out, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f) return out.fail("cannot write " + o.out, "check the path");
  json described = json::array();
  for (const auto& c : claims) described.push_back(describe_claim(issue.schema, c));
  json doc = {
      {"file", o.out},       {"attestation", id->hex()},         {"verifier", o.verifier},
      {"claims", described}, {"proofBytes", file->proof.size()}, {"fileBytes", text.size()}};
  std::string human = "wrote " + o.out + ": ";
  for (std::size_t i = 0; i < described.size(); ++i)
    human += (i ? " and " : "") + described[i].get<std::string>();
  human += "\n  for " + o.verifier + ", zero-knowledge proof " +
           std::to_string(file->proof.size()) + " bytes, file " + std::to_string(text.size()) +
           " bytes";
  out.result(doc, human);
  return kExitOk;
}

}  // namespace

void add_prove_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ProveOptions>();
  auto* cmd = app.add_subcommand(
      "prove", "Prove claims about an attestation to a verifier without revealing the values");
  cmd->add_option("--attestation", o->attestation, "the attestation id (pv attest list)")
      ->required();
  cmd->add_option("--claim", o->claims,
                  "NAME OP VALUE (OP: = <= >= < >), 'NAME in A,B', 'NAME between A and B'; "
                  "repeatable, all must hold")
      ->required();
  cmd->add_option("--for", o->verifier, "the verifier's DID (the proof is only valid for it)")
      ->required();
  cmd->add_option("--nonce", o->nonce, "the nonce the verifier gave you (1 to 256 bytes)")
      ->required();
  cmd->add_option("-o,--out", o->out, "where to write the proof file (JSON)")->required();
  cmd->add_flag("--no-inclusion", o->no_inclusion,
                "leave out the inclusion proof (the verifier then needs a node)");
  add_acting_options(*cmd, o->acting);
  add_node_url_option(*cmd, o->node);
  cmd->add_flag("--json", o->json, "print {\"file\", \"proofBytes\", \"fileBytes\", ...} as JSON");
  cmd->footer(
      "A false claim is refused: no proof is made. Values are parsed with the attestation's\n"
      "attribute table (dates YYYY-MM-DD, decimals in the attribute's unit, codes by name).\n"
      "Example (over 18 on 2026-12-07, vaccinated against measles after 2020):\n"
      "  pv prove --as alice --attestation 3fa2...c0 --claim 'birth_date <= 2008-12-07' \\\n"
      "      --claim 'vaccine in measles,mmr' --claim 'vaccination_date > 2020-01-01' \\\n"
      "      --for did:key:z6Mk... --nonce 8c1f0e -o proof.json");
  cmd->callback([o, &exit_code] { exit_code = prove(*o); });
}

}  // namespace pv::cli
