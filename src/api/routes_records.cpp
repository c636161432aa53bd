// Records and the consented read (docs/api.md, "Records, consent and access"):
//   GET  /v1/patients/{did}/records          the patient's records (signed by the patient)
//   GET  /v1/records/{id}                    one record's metadata (patient, author, grantee)
//   GET|POST /v1/records/{id}/access?purpose=P[&action=A]
//        the consented read: decide, write the access event, serve CID and wrapped key
//   GET  /v1/patients/{did}/category-keys/{category}   the current category public key (public)

#include <algorithm>

#include "api/consent_views.hpp"
#include "api/emergency_views.hpp"
#include "api/erased_record.hpp"
#include "api/json_views.hpp"
#include "api/key_envelopes.hpp"
#include "api/patient_lists.hpp"

namespace pv::api {
namespace {

using nlohmann::json;

Result<RecordState> load_record_or_404(ApiContext& ctx, const RecordId& id) {
  NodeStateView state(ctx.node);
  auto rec = load_record(state, id);
  if (!rec) return rec.error();
  if (!*rec) return make_error(Errc::not_found, "no record " + id.hex() + " is anchored");
  return std::move(**rec);
}

// May `reader` see this record's metadata? Its patient and author may; so may a grantee of a
// consent in force now that names the record or its category.
// The record as the views show it, its keys filled from its key envelope (version 2). A node
// that cannot read the envelope (no replica reachable) shows the record without keys and says
// why, rather than failing a whole list.
json record_view(ApiContext& ctx, const RecordId& id, RecordState record) {
  auto opened = with_opened_keys(ctx, record);
  if (opened) return record_json(id, *opened);
  json view = record_json(id, record);
  view["keys"] = nullptr;
  view["keysProblem"] = opened.error().message;
  return view;
}

bool may_see_record(ApiContext& ctx, const RecordId& id, const RecordState& r,
                    const std::string& reader) {
  if (reader == r.anchor.patient || reader == r.author) return true;
  NodeStateView state(ctx.node);
  auto ids = index_read(state, index_key("con-pair", {r.anchor.patient, reader}));
  if (!ids) return false;
  const std::uint64_t now = node_now_ms();
  for (const auto& cid : *ids) {
    auto c = load_consent(state, cid);
    if (!c || !*c || !consent_in_force(**c, now)) continue;
    const ConsentGrant& g = (*c)->grant;
    if (g.scope == ScopeKind::category ? g.category == r.anchor.category
                                       : std::binary_search(g.records.begin(), g.records.end(), id))
      return true;
  }
  return false;
}

void list_records(ApiContext& ctx, SignedRequest& req, http::Response& res) {
  auto patient_param = parse_did(req.http.matches[1], "patient DID");
  if (!patient_param) return send_error(res, patient_param.error());
  const std::string& patient = *patient_param;
  if (auto s = require_signed_by(req, patient, "the records"); !s)
    return send_error(res, s.error());
  auto page = parse_page(req.http);
  if (!page) return send_error(res, page.error());
  const std::string category =
      req.http.has_param("category") ? req.http.get_param_value("category") : "";
  NodeStateView state(ctx.node);
  const std::string list = index_key("rec-patient", {patient});
  auto ids = index_read(state, list, page->from, page->limit);
  if (!ids) return send_error(res, ids.error());
  json records = json::array();
  for (const auto& id : *ids) {
    auto rec = load_record(state, id);
    if (!rec || !*rec)
      return send_error(
          res, make_error(Errc::corruption, "record " + id.hex() + " is listed but unreadable"));
    if (!category.empty() && (*rec)->anchor.category != category) continue;
    records.push_back(record_view(ctx, id, std::move(**rec)));
  }
  send_json(res, 200,
            {{"patient", patient},
             {"total", index_size(state, list)},
             {"from", page->from},
             {"records", records}});
}

void get_record(ApiContext& ctx, SignedRequest& req, http::Response& res) {
  auto id = parse_tx_id(req.http.matches[1]);
  if (!id) return send_error(res, id.error());
  const std::string* signer = &req.signer.did;
  if (auto gone = erased_record_problem(NodeStateView(ctx.node), *id))
    return send_problem(res, *gone);
  auto rec = load_record_or_404(ctx, *id);
  if (!rec) return send_error(res, rec.error());
  if (!may_see_record(ctx, *id, *rec, *signer))
    return send_error(
        res, make_error(Errc::forbidden, "record " + id->hex() +
                                             " can be seen by its patient, its "
                                             "author and grantees of a consent in force; " +
                                             *signer + " is none of these"));
  send_json(res, 200, record_view(ctx, *id, std::move(*rec)));
}

json wrapped_view(const WrappedKey& k) {
  return {{"recipient", to_hex(k.recipient.view())}, {"sealed", to_base64(k.sealed.view())}};
}

json event_view(const RecordAccessResult& r) {
  return {{"id", r.event.hex()},
          {"height", r.event_committed.location.height},
          {"logIndex", r.event_committed.location.log_index},
          {"decidedHeight", r.decided_height},
          {"contractCode", r.decision.code_hash.hex()}};
}

void access_record(ApiContext& ctx, SignedRequest& req, http::Response& res) {
  auto id = parse_tx_id(req.http.matches[1]);
  if (!id) return send_error(res, id.error());
  // An erased record is refused before any decision: there is nothing left to decide on, and
  // an access event would name the record again (docs/erasure.md).
  if (auto gone = erased_record_problem(NodeStateView(ctx.node), *id))
    return send_problem(res, *gone);
  if (!req.http.has_param("purpose"))
    return send_error(res, make_error(Errc::invalid_argument,
                                      "say why you read: ?purpose=CODE, an HL7 v3 PurposeOfUse "
                                      "code such as TREAT, HPAYMT or PATRQT"));
  const std::string purpose = req.http.get_param_value("purpose");
  if (!is_known_purpose(purpose)) {
    std::string known;
    for (auto p : known_purposes()) known += (known.empty() ? "" : ", ") + std::string(p);
    return send_error(res, make_error(Errc::invalid_argument,
                                      "unknown purpose \"" + purpose + "\"; known: " + known));
  }
  AccessRequest request;
  request.record = *id;
  request.purpose = purpose;
  if (req.http.has_param("action")) {
    auto action = parse_consent_action(req.http.get_param_value("action"));
    if (!action) return send_error(res, action.error());
    request.action = *action;
  }
  const std::string* signer = &req.signer.did;
  request.reader = *signer;
  // A break-glass claim comes as {"credential": "<VC-JWT>"} (docs/consent.md section 8.1).
  std::optional<std::string> credential;
  if (!req.body.empty()) {
    auto body = parse_json(req.body);
    if (!body || !body->is_object() ||
        (body->contains("credential") && !(*body)["credential"].is_string()))
      return send_error(res, make_error(Errc::invalid_argument,
                                        "the body of a read is empty or {\"credential\": "
                                        "\"<VC-JWT>\"} (an emergency-clinician credential)"));
    if (body->contains("credential")) credential = (*body)["credential"].get<std::string>();
  }

  RecordAccess access(ctx.node);
  access.read_key_envelopes_with(key_envelope_reader(ctx));
  auto result = access.read(request, credential);
  if (!result) return send_error(res, result.error());
  if (!result->decision.permitted) {
    Problem p = problem_from_error(make_error(Errc::forbidden, result->decision.reason));
    p.extensions["reason"] = result->decision.reason;
    p.extensions["accessEvent"] = event_view(*result);
    return send_problem(res, p);
  }
  json body = {{"record", id->hex()},
               {"permitted", true},
               {"basis", access_basis_name(result->decision.basis)},
               {"accessEvent", event_view(*result)}};
  if (result->decision.basis == AccessBasis::consent)
    body["consent"] = result->decision.consent.hex();
  if (!result->decision.organization.empty()) body["organization"] = result->decision.organization;
  if (auto rec = load_record_or_404(ctx, *id))
    body["metadata"] = record_view(ctx, *id, std::move(*rec));
  if (result->decision.basis == AccessBasis::emergency) {
    // The key comes from the custodians' releases, never from the node.
    NodeStateView state(ctx.node);
    auto view = emergency_event_json(state, result->event, node_now_ms(), key_envelope_reader(ctx));
    if (view) body["emergency"] = std::move(*view);
    body["keys"] = nullptr;
    body["keysProblem"] = result->keys
                              ? "emergency access: the record's key is released by the patient's "
                                "custodians to you; follow GET /v1/emergency/events/" +
                                    result->event.hex()
                              : result->keys_problem;
    return send_json(res, 200, body);
  }
  if (result->keys) {
    const ReaderKeys& k = *result->keys;
    body["cid"] = body["metadata"].value("cid", std::string());
    json keys = json::object();
    if (k.data_key) keys["dataKey"] = wrapped_view(*k.data_key);
    if (k.category_wrap)
      keys["categoryWrap"] = {{"epoch", k.category_wrap->epoch},
                              {"key", to_hex(k.category_wrap->category_key.view())},
                              {"sealed", to_base64(k.category_wrap->sealed.view())}};
    if (k.category_secret) keys["categorySecret"] = wrapped_view(*k.category_secret);
    body["keys"] = keys;
  } else {
    body["keys"] = nullptr;
    body["keysProblem"] = result->keys_problem;
  }
  send_json(res, 200, body);
}

void get_category_key(ApiContext& ctx, const http::Request& req, http::Response& res) {
  auto patient_param = parse_did(req.matches[1], "patient DID");
  if (!patient_param) return send_error(res, patient_param.error());
  const std::string& patient = *patient_param;
  const std::string& category = req.matches[2];
  if (auto s = check_category(category); !s) return send_error(res, s.error());
  NodeStateView state(ctx.node);
  auto key = load_category_key(state, patient, category);
  if (!key) return send_error(res, key.error());
  if (!*key)
    return send_error(res, make_error(Errc::not_found,
                                      patient + " has no key for category " + category + " yet"));
  send_json(res, 200,
            {{"patient", patient},
             {"category", category},
             {"epoch", (*key)->epoch},
             {"publicKey", to_hex((*key)->public_key.view())},
             {"height", (*key)->height}});
}

}  // namespace

void add_record_routes(RouteTable& routes, ApiContext& ctx) {
  add_erasure_routes(routes, ctx);
  routes.get("GET /v1/patients/{did}/records",
             signed_get(ctx, [&ctx](SignedRequest& req, http::Response& res) {
               list_records(ctx, req, res);
             }));
  routes.get(
      "GET /v1/patients/{did}/category-keys/{category}",
      [&ctx](const http::Request& req, http::Response& res) { get_category_key(ctx, req, res); });
  routes.get("GET /v1/records/{id}",
             signed_get(ctx, [&ctx](SignedRequest& req, http::Response& res) {
               get_record(ctx, req, res);
             }));
  routes.get("GET /v1/records/{id}/access",
             signed_get(ctx, [&ctx](SignedRequest& req, http::Response& res) {
               access_record(ctx, req, res);
             }));
  routes.post("POST /v1/records/{id}/access",
              signed_post(ctx, [&ctx](SignedRequest& req, http::Response& res) {
                access_record(ctx, req, res);
              }));
}

}  // namespace pv::api
