// Emergency access (docs/api.md, "Emergency access"; docs/consent.md section 8):
//   GET /v1/patients/{did}/emergency-policy   the patient's custodians and threshold (public:
//                                             authors need it to split new records' keys)
//   GET /v1/emergency/events?from=&limit=     every permitted emergency read, oldest first
//   GET /v1/emergency/events/{id}             one of them: shares, custodians and releases
// The event routes are signed (any identity): custodians follow them to release, readers to
// collect. Releases are written with POST /v1/tx (type 36, signed by the custodian).

#include "api/emergency_views.hpp"
#include "api/key_envelopes.hpp"
#include "api/patient_lists.hpp"

namespace pv::api {
namespace {

using nlohmann::json;

void get_policy(ApiContext& ctx, const http::Request& req, http::Response& res) {
  auto patient_param = parse_did(req.matches[1], "patient DID");
  if (!patient_param) return send_error(res, patient_param.error());
  const std::string& patient = *patient_param;
  NodeStateView state(ctx.node);
  auto policy = load_emergency_policy(state, patient);
  if (!policy) return send_error(res, policy.error());
  if (!*policy)
    return send_error(
        res, make_error(Errc::not_found, patient + " has set up no emergency access (pv emergency "
                                                   "setup)"));
  send_json(res, 200, emergency_policy_json(patient, **policy));
}

void list_events(ApiContext& ctx, SignedRequest& req, http::Response& res) {
  auto page = parse_page(req.http);
  if (!page) return send_error(res, page.error());
  NodeStateView state(ctx.node);
  const std::string list = emergency_events_list();
  auto ids = index_read(state, list, page->from, page->limit);
  if (!ids) return send_error(res, ids.error());
  const std::uint64_t now = node_now_ms();
  json events = json::array();
  for (const auto& id : *ids) {
    auto view = emergency_event_json(state, id, now, key_envelope_reader(ctx));
    if (!view) return send_error(res, view.error());
    events.push_back(std::move(*view));
  }
  send_json(res, 200,
            {{"total", index_size(state, list)}, {"from", page->from}, {"events", events}});
}

void get_event(ApiContext& ctx, SignedRequest& req, http::Response& res) {
  auto id = parse_tx_id(req.http.matches[1]);
  if (!id) return send_error(res, id.error());
  NodeStateView state(ctx.node);
  auto view = emergency_event_json(state, *id, node_now_ms(), key_envelope_reader(ctx));
  if (!view) return send_error(res, view.error());
  send_json(res, 200, *view);
}

}  // namespace

void add_emergency_routes(RouteTable& routes, ApiContext& ctx) {
  routes.get("GET /v1/patients/{did}/emergency-policy",
             [&ctx](const http::Request& req, http::Response& res) { get_policy(ctx, req, res); });
  routes.get("GET /v1/emergency/events",
             signed_get(ctx, [&ctx](SignedRequest& req, http::Response& res) {
               list_events(ctx, req, res);
             }));
  routes.get("GET /v1/emergency/events/{id}",
             signed_get(ctx, [&ctx](SignedRequest& req, http::Response& res) {
               get_event(ctx, req, res);
             }));
}

}  // namespace pv::api
