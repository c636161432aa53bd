// pv attest issue | list | revoke: zero-knowledge attestations (docs/attestations.md).
// `issue` runs on the issuing organization's side: it parses each value with the published
// attribute table, commits to it with a fresh blinding factor, encrypts the openings for the
// patient and uploads them, and puts only the commitments, the CID and the sealed key on the
// ledger. `list` runs on the patient's side and opens the values locally. No value is ever sent
// to a node in clear.

#include <sodium.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "cli/attest_commands.hpp"
#include "cli/attestation_fetch.hpp"
#include "cli/attestation_openings.hpp"
#include "cli/commands.hpp"
#include "cli/consent_keys.hpp"
#include "cli/output.hpp"
#include "cli/party_names.hpp"
#include "cli/record_views.hpp"
#include "ledger/attribute_table.hpp"
#include "ledger/vc_jwt.hpp"
#include "zk/generators.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;

struct AttestOptions {
  ActingOptions acting;
  std::string node, patient, id, reason = "unspecified", credential_file;
  std::vector<std::string> attrs;
  std::uint32_t timeout_ms = 30'000;
  bool json = false;
};

// NAME=VALUE pairs parsed with the table, sorted by name (the payload's order).
Result<std::vector<AttributeOpening>> parse_attributes(const std::vector<std::string>& pairs) {
  std::map<std::string, std::int64_t> values;
  for (const auto& p : pairs) {
    auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0)
      return make_error(
          Errc::invalid_argument,
          "--attr takes NAME=VALUE, e.g. --attr birth_date=1990-05-01, not \"" + p + "\"");
    const std::string name = p.substr(0, eq);
    const AttributeDefinition* a = find_attribute(kAttributeSchemaV1, name);
    if (!a) {
      std::string known;
      for (const auto& d : attribute_table_v1()) known += " " + std::string(d.name);
      return make_error(Errc::invalid_argument,
                        "unknown attribute " + name + "; pv-attributes-v1 has" + known);
    }
    auto v = parse_attribute_value(*a, p.substr(eq + 1));
    if (!v) return v.error();
    if (!values.emplace(name, *v).second)
      return make_error(Errc::invalid_argument, "attribute " + name + " is given twice");
  }
  if (values.empty() || values.size() > kMaxAttestationAttributes)
    return make_error(Errc::invalid_argument, "give 1 to 64 attributes with --attr NAME=VALUE");
  std::vector<AttributeOpening> out;
  for (const auto& [name, value] : values) out.push_back({name, value, zk::Scalar::random()});
  return out;
}

json values_json(const AttestationIssue& a, const std::vector<AttributeOpening>& openings) {
  json values = json::object();
  for (const auto& o : openings) {
    const AttributeDefinition* d = find_attribute(a.schema, o.name);
    values[o.name] = {{"value", d ? format_attribute_value(*d, o.value) : std::to_string(o.value)},
                      {"encoded", o.value}};
  }
  return values;
}

// The practitioner's ledger credential from --credential FILE (surrounding whitespace dropped).
Result<std::string> read_credential(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(Errc::not_found, "cannot read the credential file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  auto first = text.find_first_not_of(" \t\r\n");
  auto last = text.find_last_not_of(" \t\r\n");
  if (first == std::string::npos) return make_error(Errc::invalid_argument, path + " is empty");
  return text.substr(first, last - first + 1);
}

int issue(const AttestOptions& o) {
  Output out(o.json);
  crypto_init();
  std::string credential;
  if (!o.credential_file.empty()) {
    auto c = read_credential(o.credential_file);
    if (!c) return out.fail(c.error());
    credential = std::move(*c);
  }
  auto openings = parse_attributes(o.attrs);
  if (!openings) return out.fail(openings.error(), "see `pv attest issue --help` for the table");
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto info = client->info();
  if (!info) return out.fail(info.error(), "is the node running at " + o.node + "?");
  auto actor = act_as(o.acting, *client);
  if (!actor) return out.fail(actor.error());
  auto patient = did_of(o.acting, o.patient);
  if (!patient) return out.fail(patient.error());
  if (auto s = check_person_did(*patient); !s) return out.fail(s.error());
  auto patient_key = recipient_key_of(*client, *patient);
  if (!patient_key) return out.fail(patient_key.error(), "is the patient's DID on this ledger?");

  AttestationIssue a;
  a.patient = *patient;
  a.schema = std::string(kAttributeSchemaV1);
  for (const auto& op : *openings)
    a.attributes.push_back(
        {op.name, zk::pedersen_commit(zk::Scalar::from_i64(op.value), op.blinding).encode()});
  DataKey key = DataKey::generate();
  auto cid = upload_openings(*client, key, *patient, *openings);
  if (!cid) return out.fail(cid.error(), "is the node up? nothing was attested");
  a.openings_cid = std::move(*cid);
  auto raw = SecretKey32::from(key.view());
  if (!raw) return out.fail(raw.error());
  auto wrapped = wrap_for(*raw, *patient_key);
  sodium_memzero(raw->data(), raw->size());
  if (!wrapped) return out.fail(wrapped.error());
  a.openings_key = *wrapped;
  a.credential = credential;

  Bytes tx = actor->sign_transaction(info->network_id, kTxTypeAttestationIssue,
                                     encode_attestation_issue(a));
  auto committed = client->submit_and_commit(tx, std::chrono::milliseconds(o.timeout_ms));
  if (!committed)
    return out.fail(committed.error(),
                    credential.empty()
                        ? "only a member provider or lab organization attests: act --as it, or "
                          "as a practitioner with --credential (a ledger credential)"
                        : "the credential must be a ledger credential (pv credential issue "
                          "--ledger) issued to you by a member provider, in date, not revoked");
  const AttestationId id = transaction_id(tx);
  json attributes = json::array();
  for (const auto& at : a.attributes) attributes.push_back(at.name);
  // The ledger accepted the credential, so its issuer is the attestation's issuer of record.
  auto peeked = peek_role_credential(credential);
  const std::string issuer = credential.empty() || !peeked ? actor->did() : peeked->issuer;
  json doc = {{"id", id.hex()},           {"issuer", issuer},
              {"patient", *patient},      {"schema", a.schema},
              {"attributes", attributes}, {"height", committed->location.height}};
  if (!credential.empty()) doc["attestedBy"] = actor->did();
  out.result(doc, id.hex());
  out.note("attested " + std::to_string(a.attributes.size()) + " attribute(s) of " + *patient +
           " in block " + std::to_string(committed->location.height) +
           "; the values went to the patient encrypted, the ledger holds commitments");
  return kExitOk;
}

int list(const AttestOptions& o) {
  Output out(o.json);
  crypto_init();
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto actor = act_as(o.acting, *client);
  if (!actor) return out.fail(actor.error());
  auto reply = client->call("GET", "/v1/patients/" + actor->did() + "/attestations");
  if (!reply) return out.fail(reply.error());
  auto doc = json::parse(reply->body, nullptr, false);
  if (!doc.is_object() || !doc.contains("attestations") || !doc["attestations"].is_array())
    return out.fail("the node's answer is not an attestation list");
  PartyNames names(o.acting);
  json list = json::array();
  std::string human;
  for (const auto& j : doc["attestations"]) {
    auto a = attestation_from_json(j);
    if (!a) return out.fail(a.error());
    if (a->state.issue.patient != actor->did())
      return out.fail("the node listed an attestation about someone else");
    json entry = {{"id", a->id.hex()},
                  {"issuer", a->state.issuer},
                  {"height", a->state.height},
                  {"status", a->state.revoked ? "revoked" : "active"}};
    if (!a->state.attested_by.empty()) entry["attestedBy"] = a->state.attested_by;
    human +=
        a->id.hex() + "  issued by " + names.show(a->state.issuer) +
        (a->state.attested_by.empty() ? ""
                                      : " (signed by " + names.show(a->state.attested_by) + ")") +
        " at height " + std::to_string(a->state.height) + (a->state.revoked ? "  REVOKED" : "") +
        "\n";
    auto openings = fetch_openings(o.node, a->state.issue, *actor);
    if (!openings) {
      entry["error"] = openings.error().message;
      human += "    (values cannot be opened: " + openings.error().message + ")\n";
    } else {
      entry["attributes"] = values_json(a->state.issue, *openings);
      for (const auto& op : *openings) {
        const AttributeDefinition* d = find_attribute(a->state.issue.schema, op.name);
        human += "    " + op.name + " = " +
                 (d ? format_attribute_value(*d, op.value) : std::to_string(op.value)) + "\n";
      }
    }
    list.push_back(std::move(entry));
  }
  if (list.empty()) human = "no attestations about " + actor->did() + "\n";
  out.result({{"patient", actor->did()}, {"attestations", list}}, human);
  return kExitOk;
}

int revoke(const AttestOptions& o) {
  Output out(o.json);
  crypto_init();
  auto id = parse_attestation_id(o.id);
  if (!id) return out.fail(id.error());
  auto reason = parse_attestation_revoke_reason(o.reason);
  if (!reason) return out.fail(reason.error());
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto info = client->info();
  if (!info) return out.fail(info.error(), "is the node running at " + o.node + "?");
  auto actor = act_as(o.acting, *client);
  if (!actor) return out.fail(actor.error());
  Bytes tx = actor->sign_transaction(info->network_id, kTxTypeAttestationRevoke,
                                     encode_attestation_revoke({*id, *reason}));
  auto committed = client->submit_and_commit(tx, std::chrono::milliseconds(o.timeout_ms));
  if (!committed) return out.fail(committed.error());
  json doc = {{"id", id->hex()},
              {"revoked", true},
              {"by", actor->did()},
              {"reason", attestation_revoke_reason_name(*reason)},
              {"height", committed->location.height}};
  out.result(doc, "revoked attestation " + id->hex() + " in block " +
                      std::to_string(committed->location.height));
  return kExitOk;
}

std::string attribute_table_help() {
  std::string s = "Attributes (pv-attributes-v1):\n";
  for (const auto& a : attribute_table_v1())
    s += "  " + std::string(a.name) +
         std::string(18 - std::min<std::size_t>(17, a.name.size()), ' ') + attribute_value_hint(a) +
         "  (" + std::string(a.description) + ")\n";
  return s;
}

}  // namespace

void add_attest_commands(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "attest", "Zero-knowledge attestations: committed facts about a patient, proven later");
  cmd->require_subcommand(1);
  auto o = std::make_shared<AttestOptions>();

  auto* issue_cmd = cmd->add_subcommand(
      "issue", "Attest attributes of a patient as a member provider or lab; prints the id");
  issue_cmd->add_option("--patient", o->patient, "the patient: DID or wallet name")->required();
  issue_cmd->add_option("--attr", o->attrs, "NAME=VALUE, repeatable (see the table below)")
      ->required();
  issue_cmd->add_option("--credential", o->credential_file,
                        "sign as a practitioner: FILE holds your ledger credential from a member "
                        "provider (pv credential issue --ledger); it goes on the ledger, and the "
                        "provider becomes the issuer of record");
  issue_cmd->add_option("--timeout-ms", o->timeout_ms, "how long to wait for the commit")
      ->capture_default_str();
  add_acting_options(*issue_cmd, o->acting);
  add_node_url_option(*issue_cmd, o->node);
  issue_cmd->add_flag("--json", o->json, "print {\"id\", \"issuer\", \"patient\", ...} as JSON");
  issue_cmd->footer(
      attribute_table_help() +
      "\nOnly commitments reach the ledger; the values and blinding factors are "
      "encrypted for the patient.\nExample:\n  pv attest issue --as city-lab "
      "--patient alice --attr birth_date=1990-05-01 \\\n      --attr vaccine=measles "
      "--attr vaccination_date=2021-03-15\n  pv attest issue --as dr-lee --credential "
      "dr-lee.ledger.jwt --patient alice --attr hba1c=6.1");
  issue_cmd->callback([o, &exit_code] { exit_code = issue(*o); });

  auto* list_cmd = cmd->add_subcommand(
      "list", "The patient's attestations, with their values opened here (never on the node)");
  add_acting_options(*list_cmd, o->acting);
  add_node_url_option(*list_cmd, o->node);
  list_cmd->add_flag("--json", o->json, "print {\"attestations\": [...]} as JSON");
  list_cmd->footer("Example:\n  pv attest list --as alice");
  list_cmd->callback([o, &exit_code] { exit_code = list(*o); });

  auto* revoke_cmd =
      cmd->add_subcommand("revoke", "Revoke an attestation (only its issuer can, once)");
  revoke_cmd->add_option("id", o->id, "the attestation id (64 hex digits)")->required();
  revoke_cmd
      ->add_option("--reason", o->reason, "unspecified | issued-in-error | superseded | withdrawn")
      ->capture_default_str();
  revoke_cmd->add_option("--timeout-ms", o->timeout_ms, "how long to wait for the commit")
      ->capture_default_str();
  add_acting_options(*revoke_cmd, o->acting);
  add_node_url_option(*revoke_cmd, o->node);
  revoke_cmd->add_flag("--json", o->json, "print {\"id\", \"revoked\", \"height\"} as JSON");
  revoke_cmd->footer("Example:\n  pv attest revoke 3fa2...c0 --as city-lab --reason superseded");
  revoke_cmd->callback([o, &exit_code] { exit_code = revoke(*o); });
}

}  // namespace pv::cli
