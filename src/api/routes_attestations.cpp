// Attestations and presentations (docs/api.md, "Attestations"; docs/attestations.md):
//   GET  /v1/attestations/{id}               the public part: issuer, patient, commitments,
//                                            status (public: verifiers need it)
//   GET  /v1/patients/{did}/attestations     the patient's attestations (signed by the patient)
//   POST /v1/proofs/verify                   checks a presentation against this node's ledger
// No attribute value ever reaches these routes: the ledger holds commitments only, and a
// presentation carries a zero-knowledge proof.

#include "api/attestation_routes.hpp"
#include "api/patient_lists.hpp"
#include "identity/attestation_presentation.hpp"
#include "ledger/attestation_state.hpp"
#include "ledger/attribute_table.hpp"
#include "ledger/jose.hpp"

namespace pv::api {
namespace {

using nlohmann::json;

json attestation_json(const AttestationId& id, const AttestationState& s) {
  json attributes = json::array();
  for (const auto& a : s.issue.attributes) {
    const AttributeDefinition* d = find_attribute(s.issue.schema, a.name);
    attributes.push_back({{"name", a.name},
                          {"unit", d ? std::string(d->unit) : ""},
                          {"commitment", base64url_encode(a.commitment.view())}});
  }
  json doc = {{"id", id.hex()},
              {"issuer", s.issuer},
              {"patient", s.issue.patient},
              {"schema", s.issue.schema},
              {"attributes", attributes},
              {"height", s.height},
              {"time", s.time_ms},
              {"payload", base64url_encode(encode_attestation_issue(s.issue))},
              {"status", s.revoked ? "revoked" : "active"}};
  if (!s.attested_by.empty()) doc["attestedBy"] = s.attested_by;
  if (s.revoked)
    doc["revocation"] = {{"height", s.revoked_height},
                         {"time", s.revoked_time_ms},
                         {"by", s.revoked_by},
                         {"reason", attestation_revoke_reason_name(s.revoke_reason)}};
  return doc;
}

void get_attestation(ApiContext& ctx, const http::Request& req, http::Response& res) {
  auto id = parse_tx_id(req.matches[1]);
  if (!id) return send_error(res, id.error());
  NodeStateView state(ctx.node);
  auto s = load_attestation(state, *id);
  if (!s) return send_error(res, s.error());
  if (!*s)
    return send_error(
        res, make_error(Errc::not_found, "no attestation " + id->hex() + " on this ledger"));
  send_json(res, 200, attestation_json(*id, **s));
}

void list_attestations(ApiContext& ctx, SignedRequest& req, http::Response& res) {
  auto patient = parse_did(req.http.matches[1], "patient DID");
  if (!patient) return send_error(res, patient.error());
  if (auto s = require_signed_by(req, *patient, "the attestations"); !s)
    return send_error(res, s.error());
  auto page = parse_page(req.http);
  if (!page) return send_error(res, page.error());
  NodeStateView state(ctx.node);
  const std::string list = attestations_of_patient_list(*patient);
  auto ids = index_read(state, list, page->from, page->limit);
  if (!ids) return send_error(res, ids.error());
  json out = json::array();
  for (const auto& id : *ids) {
    auto s = load_attestation(state, id);
    if (!s || !*s)
      return send_error(res, make_error(Errc::corruption,
                                        "attestation " + id.hex() + " is listed but unreadable"));
    out.push_back(attestation_json(id, **s));
  }
  send_json(res, 200,
            {{"patient", *patient},
             {"total", index_size(state, list)},
             {"from", page->from},
             {"attestations", out}});
}

// Body: {"presentation": <the proof file>, "nonce": "...", "verifier": "did:..."}. The nonce is
// the verifier's own (required); the verifier's DID is checked when given.
void verify_proof(ApiContext& ctx, const http::Request& req, http::Response& res) {
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return send_error(res, make_error(Errc::malformed, "the body is not a JSON object"));
  auto nonce = body.find("nonce");
  if (nonce == body.end() || !nonce->is_string() || nonce->get<std::string>().empty())
    return send_error(
        res, make_error(Errc::invalid_argument, "say which nonce you gave the patient: \"nonce\""));
  std::string verifier;
  if (auto v = body.find("verifier"); v != body.end()) {
    if (!v->is_string())
      return send_error(res, make_error(Errc::invalid_argument, "\"verifier\" is a DID"));
    verifier = v->get<std::string>();
  }
  auto presentation = body.find("presentation");
  if (presentation == body.end() || !presentation->is_object())
    return send_error(
        res, make_error(Errc::invalid_argument, "put the proof file under \"presentation\""));
  auto file = parse_presentation_file(presentation->dump());
  if (!file) return send_error(res, file.error());
  NodeStateView state(ctx.node);
  json doc = {{"attestation", file->attestation.hex()},
              {"proofBytes", file->proof.size()},
              {"height", ctx.node.info().height}};
  auto facts = attestation_facts_from_state(state, file->attestation);
  if (!facts) {
    if (facts.error().code != Errc::not_found) return send_error(res, facts.error());
    doc["valid"] = false;
    doc["reason"] = facts.error().message;
    return send_json(res, 200, doc);
  }
  PresentationVerdict v = check_presentation(*file, *facts, nonce->get<std::string>(), verifier);
  doc["valid"] = v.valid;
  doc["reason"] = v.reason;
  doc["claims"] = v.claims;
  doc["issuer"] = facts->issuer;
  if (!facts->attested_by.empty()) doc["attestedBy"] = facts->attested_by;
  doc["issuedHeight"] = facts->height;
  doc["status"] = facts->revoked ? "revoked" : "active";
  send_json(res, 200, doc);
}

}  // namespace

void add_attestation_routes(RouteTable& routes, ApiContext& ctx) {
  routes.get("GET /v1/attestations/{id}", [&ctx](const http::Request& req, http::Response& res) {
    get_attestation(ctx, req, res);
  });
  routes.get("GET /v1/patients/{did}/attestations",
             signed_get(ctx, [&ctx](SignedRequest& req, http::Response& res) {
               list_attestations(ctx, req, res);
             }));
  routes.post("POST /v1/proofs/verify",
              [&ctx](const http::Request& req, http::Response& res, const http::ContentReader&) {
                verify_proof(ctx, req, res);
              });
}

}  // namespace pv::api
