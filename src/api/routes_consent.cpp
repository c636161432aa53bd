// Consents as FHIR R4 Consent resources and the access log as FHIR R4 AuditEvent resources
// (docs/api.md, "Records, consent and access"):
//   GET /v1/patients/{did}/consents    the consents a patient granted (signed by the patient)
//   GET /v1/grantees/{did}/consents    the consents naming a grantee (signed by the grantee)
//   GET /v1/consents/{id}              one consent (its patient or its grantee)
//   GET /v1/patients/{did}/access-log  every access and refusal of the patient's records, and
//                                      on the first page every erasure of one of them and every
//                                      legal hold active on one (api/access_log_erasures.hpp)

#include "api/access_log_erasures.hpp"
#include "api/consent_views.hpp"
#include "api/patient_lists.hpp"

namespace pv::api {
namespace {

using nlohmann::json;

// ?category=TYPE and ?active=true|false filters of a consent list.
struct ConsentFilter {
  std::string category;
  std::optional<bool> active;
};

Result<ConsentFilter> parse_filter(const http::Request& req) {
  ConsentFilter f;
  if (req.has_param("category")) f.category = req.get_param_value("category");
  if (req.has_param("active")) {
    std::string a = req.get_param_value("active");
    if (a != "true" && a != "false")
      return make_error(Errc::invalid_argument, "active must be true or false, got \"" + a + "\"");
    f.active = a == "true";
  }
  return f;
}

void send_consent_list(ApiContext& ctx, SignedRequest& req, http::Response& res,
                       const std::string& list) {
  auto page = parse_page(req.http);
  if (!page) return send_error(res, page.error());
  auto filter = parse_filter(req.http);
  if (!filter) return send_error(res, filter.error());
  NodeStateView state(ctx.node);
  auto ids = index_read(state, list, page->from, page->limit);
  if (!ids) return send_error(res, ids.error());
  const std::uint64_t now = node_now_ms();
  json resources = json::array();
  for (const auto& id : *ids) {
    auto c = load_consent(state, id);
    if (!c || !*c)
      return send_error(
          res, make_error(Errc::corruption, "consent " + id.hex() + " is listed but unreadable"));
    const ConsentState& consent = **c;
    if (!filter->category.empty() &&
        (consent.grant.scope != ScopeKind::category || consent.grant.category != filter->category))
      continue;
    if (filter->active && *filter->active != (!consent.revoked && now < consent.grant.not_after_ms))
      continue;
    resources.push_back(consent_resource(id, consent, now));
  }
  send_json(res, 200, searchset_bundle(resources, index_size(state, list)));
}

void patient_consents(ApiContext& ctx, SignedRequest& req, http::Response& res) {
  auto patient_param = parse_did(req.http.matches[1], "patient DID");
  if (!patient_param) return send_error(res, patient_param.error());
  const std::string& patient = *patient_param;
  if (auto s = require_signed_by(req, patient, "the consents"); !s)
    return send_error(res, s.error());
  send_consent_list(ctx, req, res, index_key("con-patient", {patient}));
}

void grantee_consents(ApiContext& ctx, SignedRequest& req, http::Response& res) {
  auto grantee_param = parse_did(req.http.matches[1], "grantee DID");
  if (!grantee_param) return send_error(res, grantee_param.error());
  const std::string& grantee = *grantee_param;
  if (auto s = require_signed_by(req, grantee, "the consents granted to"); !s)
    return send_error(res, s.error());
  send_consent_list(ctx, req, res, index_key("con-grantee", {grantee}));
}

void get_consent(ApiContext& ctx, SignedRequest& req, http::Response& res) {
  auto id = parse_tx_id(req.http.matches[1]);
  if (!id) return send_error(res, id.error());
  const std::string* signer = &req.signer.did;
  NodeStateView state(ctx.node);
  auto c = load_consent(state, *id);
  if (!c) return send_error(res, c.error());
  if (!*c) return send_error(res, make_error(Errc::not_found, "no consent " + id->hex()));
  if (*signer != (*c)->patient && *signer != (*c)->grant.grantee)
    return send_error(res, make_error(Errc::forbidden, "consent " + id->hex() +
                                                           " can be read by its patient and its "
                                                           "grantee only, not by " +
                                                           *signer));
  send_json(res, 200, consent_resource(*id, **c, node_now_ms()));
}

void access_log(ApiContext& ctx, SignedRequest& req, http::Response& res) {
  auto patient_param = parse_did(req.http.matches[1], "patient DID");
  if (!patient_param) return send_error(res, patient_param.error());
  const std::string& patient = *patient_param;
  if (auto s = require_signed_by(req, patient, "the access log"); !s)
    return send_error(res, s.error());
  auto page = parse_page(req.http);
  if (!page) return send_error(res, page.error());
  NodeStateView state(ctx.node);
  const std::string list = index_key("acc-patient", {patient});
  auto ids = index_read(state, list, page->from, page->limit);
  if (!ids) return send_error(res, ids.error());
  json resources = json::array();
  for (const auto& id : *ids) {
    auto loaded = load_access_event(ctx, id);
    if (!loaded) return send_error(res, loaded.error());
    resources.push_back(audit_event_resource(loaded->event, loaded->context));
  }
  // Erasures and holds are not in the patient's access list: the first page carries them all,
  // after the page's access events, and `total` counts them.
  std::uint64_t extra = 0;
  if (page->from == 0) {
    auto erasures = erasure_audit_events(ctx, state, patient);
    if (!erasures) return send_error(res, erasures.error());
    auto holds = legal_hold_audit_events(state, patient);
    if (!holds) return send_error(res, holds.error());
    for (auto* events : {&*erasures, &*holds})
      for (auto& e : *events) resources.push_back(std::move(e));
    extra = erasures->size() + holds->size();
  }
  send_json(res, 200, searchset_bundle(resources, index_size(state, list) + extra));
}

}  // namespace

void add_consent_routes(RouteTable& routes, ApiContext& ctx) {
  routes.get("GET /v1/patients/{did}/consents",
             signed_get(ctx, [&ctx](SignedRequest& req, http::Response& res) {
               patient_consents(ctx, req, res);
             }));
  routes.get("GET /v1/grantees/{did}/consents",
             signed_get(ctx, [&ctx](SignedRequest& req, http::Response& res) {
               grantee_consents(ctx, req, res);
             }));
  routes.get("GET /v1/consents/{id}",
             signed_get(ctx, [&ctx](SignedRequest& req, http::Response& res) {
               get_consent(ctx, req, res);
             }));
  routes.get("GET /v1/patients/{did}/access-log",
             signed_get(ctx, [&ctx](SignedRequest& req, http::Response& res) {
               access_log(ctx, req, res);
             }));
}

}  // namespace pv::api
