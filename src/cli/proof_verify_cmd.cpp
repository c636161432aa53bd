// pv proof verify: the verifier's side of a presentation (docs/attestations.md, "Verification").
// Online (--node), the attestation transaction is proven in the log under the node's signed
// checkpoint, its status (revoked or not) and the patient's current keys come from the node, and
// the proof is checked here. Offline (--offline KEY), the attestation comes from the inclusion
// proof the file carries, under a checkpoint signed by KEY; revocation and the ledger's verdict
// on the transaction cannot be known offline, and the output says so.

#include <fstream>
#include <sstream>

#include "cli/acting.hpp"
#include "cli/attest_commands.hpp"
#include "cli/attestation_fetch.hpp"
#include "cli/commands.hpp"
#include "cli/ledger_prover.hpp"
#include "cli/output.hpp"
#include "codec/did_key.hpp"
#include "identity/attestation_presentation.hpp"
#include "ledger/merkle.hpp"
#include "ledger/signer.hpp"
#include "ledger/vc_jwt.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;

struct VerifyOptions {
  std::string file, nonce, verifier, node, offline_key;
  bool json = false;
};

// The key name of the first signature line of a signed note ("— NAME BASE64").
std::string note_signer_name(const std::string& note) {
  const std::string dash = "\xE2\x80\x94 ";
  auto at = note.find("\n\n" + dash);
  if (at == std::string::npos) return {};
  auto start = at + 2 + dash.size();
  auto end = note.find(' ', start);
  return end == std::string::npos ? std::string() : note.substr(start, end - start);
}

std::vector<PublicKey> did_key_keys(const std::string& did) {
  auto key = public_key_from_did_key(did);
  if (!key) return {};
  return {*key};
}

Result<AttestationFacts> online_facts(const std::string& node, const AttestationId& id,
                                      json& where) {
  auto client = api::NodeClient::connect(node, node_trust());
  if (!client) return client.error();
  auto a = fetch_attestation(*client, id);
  if (!a) return a.error();
  // The commitments must be those of a transaction in the log, not merely the node's word.
  auto prover = LedgerProver::create(*client, "");
  if (!prover) return prover.error();
  auto proven = prover->prove(id, kTxTypeAttestationIssue);
  if (!proven) return proven.error();
  // The signer is the issuer of record, or the practitioner whose credential the payload carries.
  const std::string& signer = a->state.attested_by.empty() ? a->state.issuer : a->state.attested_by;
  if (proven->tx.payload != encode_attestation_issue(a->state.issue) ||
      nonce_owner(proven->tx.signer) != signer)
    return make_error(Errc::corruption,
                      "the node's attestation differs from the transaction in its log");
  AttestationFacts f;
  f.issue = a->state.issue;
  f.issuer = a->state.issuer;
  f.attested_by = a->state.attested_by;
  f.height = a->state.height;
  f.revoked = a->state.revoked;
  f.revoked_height = a->state.revoked_height;
  if (f.issue.patient.rfind("did:key:", 0) == 0) {
    f.patient_keys = did_key_keys(f.issue.patient);
  } else {
    auto doc = resolve_did_pv_on_node(*client, f.issue.patient);
    if (!doc) return doc.error();
    if (!doc->deactivated)
      for (const auto& k : doc->keys) f.patient_keys.push_back(k.key);
  }
  where = {{"mode", "online"},
           {"node", node},
           {"logIndex", proven->proof.log_index},
           {"treeSize", proven->proof.checkpoint.size},
           {"revocationChecked", true}};
  return f;
}

Result<AttestationFacts> offline_facts(const PresentationFile& p, const std::string& key_hex,
                                       json& where) {
  if (!p.inclusion)
    return make_error(Errc::invalid_argument,
                      "the proof file carries no inclusion proof; verify it with --node");
  auto key = key_hex.rfind("did:key:", 0) == 0 ? public_key_from_did_key(key_hex)
                                               : PublicKey::from_hex(key_hex);
  if (!key)
    return make_error(Errc::invalid_argument,
                      "--offline takes the checkpoint key you trust: 64 hex digits or its did:key");
  const CarriedInclusion& inc = *p.inclusion;
  if (transaction_id(inc.transaction) != p.attestation)
    return make_error(Errc::corruption, "the carried transaction is not the attestation");
  TrustedKey trusted{note_signer_name(inc.checkpoint), *key};
  auto cp = open_signed_checkpoint(inc.checkpoint, trusted);
  if (!cp) return cp.error();
  if (auto s = verify_merkle_inclusion(merkle_leaf_hash(inc.transaction), inc.log_index, cp->size,
                                       inc.hashes, cp->root);
      !s)
    return make_error(Errc::corruption,
                      "the inclusion proof does not verify: " + s.error().message);
  auto tx = decode_transaction(inc.transaction);
  if (!tx) return tx.error();
  if (tx->type != kTxTypeAttestationIssue)
    return make_error(Errc::corruption, "the carried transaction is not an attestation");
  auto issue = decode_attestation_issue(tx->payload);
  if (!issue) return issue.error();
  AttestationFacts f;
  f.issue = std::move(*issue);
  f.issuer = nonce_owner(tx->signer);
  if (!f.issue.credential.empty()) {
    // A practitioner signed; the credential names the organization. Whether the ledger accepted
    // the credential is its verdict, which offline verification cannot know (said below).
    auto handle = peek_role_credential(f.issue.credential);
    if (!handle) return make_error(Errc::corruption, "the attestation's credential is malformed");
    f.attested_by = f.issuer;
    f.issuer = handle->issuer;
  }
  f.revocation_known = false;
  f.patient_keys = did_key_keys(f.issue.patient);  // a did:pv's current keys need the ledger
  where = {{"mode", "offline"},
           {"logIndex", inc.log_index},
           {"treeSize", cp->size},
           {"revocationChecked", false},
           {"note",
            "offline: the attestation is in the log under a checkpoint signed by the trusted key, "
            "but whether it was revoked since, and the ledger's verdict on it, cannot be known "
            "offline"}};
  return f;
}

int verify(const VerifyOptions& o) {
  Output out(o.json);
  crypto_init();
  std::ifstream in(o.file, std::ios::binary);
  if (!in) return out.fail("cannot read " + o.file, "check the path");
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto file = parse_presentation_file(buffer.str());
  if (!file) return out.fail(file.error());
  json where;
  auto facts = o.offline_key.empty() ? online_facts(o.node, file->attestation, where)
                                     : offline_facts(*file, o.offline_key, where);
  PresentationVerdict v;
  if (!facts) {
    v.reason = facts.error().message;
  } else {
    v = check_presentation(*file, *facts, o.nonce, o.verifier);
    if (v.valid && !o.offline_key.empty() && facts->patient_keys.empty())
      v = {false, "the patient is a did:pv, whose current key cannot be known offline", v.claims};
  }
  json doc = {{"valid", v.valid},
              {"reason", v.reason},
              {"attestation", file->attestation.hex()},
              {"verifier", file->verifier},
              {"claims", v.claims},
              {"proofBytes", file->proof.size()},
              {"fileBytes", buffer.str().size()},
              {"checked", where}};
  if (facts) {
    doc["issuer"] = facts->issuer;
    if (!facts->attested_by.empty()) doc["attestedBy"] = facts->attested_by;
    doc["patient"] = facts->issue.patient;
    doc["status"] = !facts->revocation_known ? "unknown (offline)"
                    : facts->revoked         ? "revoked"
                                             : "active";
  }
  std::string human = v.valid ? "valid: " : "invalid: " + v.reason;
  if (v.valid) {
    for (std::size_t i = 0; i < v.claims.size(); ++i) human += (i ? " and " : "") + v.claims[i];
    human += "\n  attestation " + file->attestation.hex().substr(0, 16) + "… by " + facts->issuer +
             (facts->attested_by.empty() ? "" : " (signed by " + facts->attested_by + ")") +
             "\n  proof " + std::to_string(file->proof.size()) + " bytes (zero-knowledge), file " +
             std::to_string(buffer.str().size()) + " bytes";
    if (!o.offline_key.empty())
      human += "\n  offline: revocation status unknown (it needs the ledger)";
  }
  if (o.json) {
    std::printf("%s\n", doc.dump(2).c_str());
  } else {
    std::printf("%s\n", human.c_str());
  }
  return v.valid ? kExitOk : kExitFailure;
}

}  // namespace

void add_proof_commands(CLI::App& app, int& exit_code) {
  auto* proof = app.add_subcommand("proof", "Zero-knowledge proof files (pv prove writes them)");
  proof->require_subcommand(1);
  auto o = std::make_shared<VerifyOptions>();
  auto* cmd = proof->add_subcommand(
      "verify",
      "Check a proof file; prints valid or invalid with the reason (exit 0 only if valid)");
  cmd->add_option("file", o->file, "the proof file (JSON)")->required();
  cmd->add_option("--nonce", o->nonce, "the nonce you gave the patient")->required();
  cmd->add_option("--for", o->verifier, "your DID: refuse a proof made for another verifier");
  add_node_url_option(*cmd, o->node);
  cmd->add_option("--offline", o->offline_key,
                  "verify without a node: the checkpoint key you trust (hex, or the node key's "
                  "did:key); no node is asked, and revocation cannot be checked offline");
  cmd->add_flag("--json", o->json,
                "print {\"valid\", \"reason\", \"claims\", \"proofBytes\", ...} as JSON");
  cmd->footer(
      "The verifier learns that the claims hold for the attested values, and nothing else.\n"
      "Examples:\n  pv proof verify proof.json --nonce 8c1f0e --for did:key:z6Mk...\n"
      "  pv proof verify proof.json --nonce 8c1f0e --offline 5d2c...e1 --json");
  cmd->callback([o, &exit_code] { exit_code = verify(*o); });
}

}  // namespace pv::cli
