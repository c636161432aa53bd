// pv credential issue | verify | revoke: role credentials (W3C VC-JWT, EdDSA) issued by member
// organizations to practitioners, checked and revoked against the ledger (docs/credentials.md).

#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>

#include "cli/acting.hpp"
#include "cli/commands.hpp"
#include "cli/node_ledger.hpp"
#include "cli/output.hpp"
#include "identity/did_pv_document.hpp"
#include "ledger/jose.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;

struct CredentialOptions {
  ActingOptions acting;
  std::string node, issuer, subject, role, license, credential, file;
  std::uint32_t days = 365, timeout_ms = 30'000;
  bool json = false, ledger_form = false;
};

std::string rfc3339(std::int64_t seconds) {
  return rfc3339_from_ms(static_cast<std::uint64_t>(seconds) * 1000);
}

json claims_json(const RoleCredential& c) {
  return {{"id", c.id},
          {"issuer", c.issuer},
          {"subject", c.subject},
          {"role", c.role},
          {"licenseNumber", c.license_number},
          {"organization", c.organization},
          {"issuedAt", rfc3339(c.issued_at)},
          {"validFrom", rfc3339(c.not_before)},
          {"validUntil", rfc3339(c.expires)}};
}

std::string claims_text(const RoleCredential& c) {
  return "  id:           " + c.id + "\n  issuer:       " + c.issuer + " (" + c.organization +
         ")\n  subject:      " + c.subject + "\n  role:         " + c.role + "\n  license:      " +
         (c.license_number.empty() ? "(none: a ledger credential)" : c.license_number) +
         "\n  valid:        " + rfc3339(c.not_before) + " to " + rfc3339(c.expires);
}

int issue(const CredentialOptions& o) {
  Output out(o.json);
  crypto_init();
  if (o.days == 0 || o.days > 3650) return out.fail("--days must be 1 to 3650");
  if (o.ledger_form == !o.license.empty())
    return out.fail(make_error(Errc::invalid_argument,
                               "give --license NUMBER, or --ledger for a credential without one"),
                    "--ledger issues the form a practitioner signs attestations with");
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto actor = unlock_actor(o.acting, o.issuer, &*client);
  if (!actor) return out.fail(actor.error());
  std::string subject = o.subject;
  if (subject.rfind("did:", 0) != 0) {
    auto wallet = open_wallet(o.acting);
    if (!wallet) return out.fail(wallet.error());
    auto found = wallet->find(subject);
    if (!found)
      return out.fail(found.error(), "give the practitioner's DID or a wallet identity name");
    subject = found->did;
  }
  // Refuse here what every verifier would refuse: a credential from a non-member or a
  // non-provider.
  auto org = organization_on_node(*client, actor->did());
  if (!org) return out.fail(org.error(), "is the node running at " + o.node + "?");
  if (!*org || (*org)->status != OrgStatus::member)
    return out.fail(
        make_error(Errc::forbidden, actor->did() + " is not a member organization of this network"),
        "an organization joins through `pv org propose add`");
  if (!role_may_issue_practitioner_credentials((*org)->role))
    return out.fail(make_error(
        Errc::forbidden, actor->name() + " has role \"" + (*org)->role +
                             "\"; only provider organizations issue practitioner credentials"));
  RoleCredential c;
  c.issuer = actor->did();
  c.key_id = actor->signer_id().find('#') == std::string::npos ? did_key_method_id(actor->did())
                                                               : actor->signer_id();
  c.subject = subject;
  c.role = o.role;
  c.license_number = o.license;
  // The ledger form names the organization by its DID and carries no licence number
  // (docs/attestations.md, "Practitioners as issuers").
  c.organization = o.ledger_form ? actor->did() : (*org)->name;
  c.issued_at = c.not_before = static_cast<std::int64_t>(std::time(nullptr));
  c.expires = c.not_before + std::int64_t{o.days} * 86'400;
  auto jwt = issue_role_credential(c, actor->key());
  if (!jwt) return out.fail(jwt.error());
  // Read back what was issued (fills in the id).
  auto issued = verify_role_credential(
      *jwt, [&](std::string_view) -> Result<PublicKey> { return actor->key().public_key(); },
      {c.issued_at, kDefaultClockSkewSeconds,
       o.ledger_form ? RoleCredentialForm::ledger : RoleCredentialForm::full});
  if (!issued) return out.fail(issued.error());
  json doc = claims_json(*issued);
  doc["jwt"] = *jwt;
  out.note("issued to " + subject + ":\n" + claims_text(*issued));
  out.result(doc, *jwt);
  return kExitOk;
}

Result<std::string> credential_text(const CredentialOptions& o) {
  if (!o.file.empty()) {
    std::ifstream in(o.file);
    if (!in) return make_error(Errc::not_found, "cannot read " + o.file);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
      text.pop_back();
    return text;
  }
  if (o.credential.empty())
    return make_error(Errc::invalid_argument, "give the credential (a JWT) or --file FILE");
  return o.credential;
}

int verify(const CredentialOptions& o) {
  Output out(o.json);
  crypto_init();
  auto jwt = credential_text(o);
  if (!jwt) return out.fail(jwt.error());
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  NodeCredentialLedger ledger(*client);
  // The form only picks how strictly the credential is then verified.
  auto peeked = peek_role_credential(*jwt);
  const bool ledger_form = peeked && peeked->ledger_form;
  auto checked = verify_credential_on_ledger(
      *jwt, ledger,
      {static_cast<std::int64_t>(std::time(nullptr)), kDefaultClockSkewSeconds,
       ledger_form ? RoleCredentialForm::ledger : RoleCredentialForm::full});
  if (!checked) {
    std::string hint;
    if (checked.error().code == Errc::bad_signature)
      hint =
          "the credential was altered, or signed by a key that is not its issuer's; do not accept "
          "it";
    else if (checked.error().code == Errc::unauthorized)
      hint = "ask the issuing organization for a current credential";
    return out.fail(
        make_error(checked.error().code, "credential refused: " + checked.error().message), hint);
  }
  json doc = claims_json(checked->credential);
  doc["valid"] = true;
  doc["issuerRole"] = checked->issuer.role;
  out.result(doc, "credential valid: signed by its issuer, a member " + checked->issuer.role +
                      " organization, and not revoked\n" + claims_text(checked->credential));
  return kExitOk;
}

int revoke(const CredentialOptions& o) {
  Output out(o.json);
  crypto_init();
  auto text = credential_text(o);
  if (!text) return out.fail(text.error());
  std::string jti = *text, issuer;
  if (std::count(text->begin(), text->end(), '.') == 2) {
    auto parsed = peek_role_credential(*text);
    if (!parsed) return out.fail(parsed.error());
    jti = parsed->id;
    issuer = parsed->issuer;
  }
  if (auto s = check_credential_id(jti); !s)
    return out.fail(s.error(), "pass the credential (JWT) or its id (jti)");
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto info = client->info();
  if (!info) return out.fail(info.error(), "is the node running at " + o.node + "?");
  auto actor = act_as(o.acting, *client);
  if (!actor) return out.fail(actor.error());
  if (!issuer.empty() && issuer != actor->did())
    return out.fail(
        make_error(Errc::forbidden, actor->name() + " (" + actor->did() +
                                        ") did not issue this credential; only its issuer " +
                                        issuer + " can revoke it"),
        "run it --as the issuing organization");
  Bytes tx = actor->sign_transaction(info->network_id, kTxTypeCredentialRevoke,
                                     encode_credential_revoke(jti));
  auto committed = client->submit_and_commit(tx, std::chrono::milliseconds(o.timeout_ms));
  if (!committed) return out.fail(committed.error());
  json doc = {{"id", jti},
              {"issuer", actor->did()},
              {"revoked", true},
              {"height", committed->location.height},
              {"tx", committed->id.hex()}};
  out.result(doc, "revoked " + jti + " (issuer " + actor->did() + ") in block " +
                      std::to_string(committed->location.height));
  return kExitOk;
}

}  // namespace

void add_credential_commands(CLI::App& app, int& exit_code) {
  auto* cred = app.add_subcommand("credential", "Role credentials for practitioners (W3C VC-JWT)");
  cred->require_subcommand(1);
  auto o = std::make_shared<CredentialOptions>();

  auto* issue_cmd = cred->add_subcommand(
      "issue", "Issue a role credential as a member provider organization; prints the JWT");
  issue_cmd->add_option("--issuer", o->issuer, "the issuing organization: wallet name or DID")
      ->required();
  issue_cmd->add_option("--subject", o->subject, "the practitioner: DID or wallet name")
      ->required();
  issue_cmd->add_option("--role", o->role, "physician | nurse | emergency-clinician | ...")
      ->required();
  auto* license = issue_cmd->add_option("--license", o->license,
                                        "the practitioner's license number (or --ledger)");
  issue_cmd
      ->add_flag("--ledger", o->ledger_form,
                 "issue a ledger credential: no license number, the organization named by "
                 "its DID; a practitioner signs attestations with it (pv attest issue "
                 "--credential)")
      ->excludes(license);
  issue_cmd->add_option("--days", o->days, "validity in days")->capture_default_str();
  add_wallet_options(*issue_cmd, o->acting);
  add_node_url_option(*issue_cmd, o->node);
  issue_cmd->add_flag("--json", o->json, "print {\"jwt\", \"id\", \"issuer\", ...} as JSON");
  issue_cmd->footer(
      "Example:\n  pv credential issue --issuer st-marys --subject did:key:z6Mk... --role "
      "physician \\\n"
      "      --license MD-4471 --days 365 > dr-lee.jwt");
  issue_cmd->callback([o, &exit_code] { exit_code = issue(*o); });

  auto* verify_cmd = cred->add_subcommand("verify",
                                          "Check a credential: signature, issuer a member provider "
                                          "on the ledger, not revoked, in date");
  verify_cmd->add_option("credential", o->credential, "the JWT");
  verify_cmd->add_option("--file", o->file, "read the JWT from this file");
  add_node_url_option(*verify_cmd, o->node);
  verify_cmd->add_flag("--json", o->json,
                       "print the claims as JSON (or {\"error\", \"code\"} on stderr)");
  verify_cmd->footer(
      "Examples:\n  pv credential verify --file dr-lee.jwt\n  pv credential verify eyJhbGciOi... "
      "--json");
  verify_cmd->callback([o, &exit_code] { exit_code = verify(*o); });

  auto* revoke_cmd =
      cred->add_subcommand("revoke", "Revoke a credential on the ledger (only its issuer can)");
  revoke_cmd->add_option("credential", o->credential,
                         "the JWT, or its id (jti, e.g. urn:uuid:...)");
  revoke_cmd->add_option("--file", o->file, "read the JWT from this file");
  revoke_cmd->add_option("--timeout-ms", o->timeout_ms, "how long to wait for the commit")
      ->capture_default_str();
  add_acting_options(*revoke_cmd, o->acting);
  add_node_url_option(*revoke_cmd, o->node);
  revoke_cmd->add_flag("--json", o->json, "print {\"id\", \"revoked\", \"height\", ...} as JSON");
  revoke_cmd->footer("Example:\n  pv credential revoke --file dr-lee.jwt --as st-marys");
  revoke_cmd->callback([o, &exit_code] { exit_code = revoke(*o); });
}

}  // namespace pv::cli
