// GET /v1/did/{did}: W3C DID Resolution of did:pv identities, current or past versions.
// Public: resolution needs no request signature.

#include "api/routes.hpp"
#include "identity/did_pv_document.hpp"

namespace pv::api {

void add_did_routes(RouteTable& routes, ApiContext& ctx) {
  routes.get("GET /v1/did/{did}", [&ctx](const http::Request& req, http::Response& res) {
    auto did_param = parse_did(req.matches[1], "DID");
  if (!did_param) return send_error(res, did_param.error());
  const std::string& did = *did_param;
    DidVersionQuery query;
    if (req.has_param("versionId")) {
      auto v = parse_decimal(req.get_param_value("versionId"), "versionId");
      if (!v) return send_error(res, v.error());
      query.version_id = *v;
    }
    if (req.has_param("versionTime")) {
      auto t = ms_from_rfc3339(req.get_param_value("versionTime"));
      if (!t) return send_error(res, t.error());
      query.version_time_ms = *t;
    }
    auto result = resolve_did_pv(did, query, [&ctx](const std::string& key) { return ctx.node.read_state(key); });
    if (!result) {
      const char* code = result.error().code == Errc::not_found ? "notFound" : "invalidDid";
      Problem p = problem_from_error(result.error());
      res.status = p.status;
      auto body = problem_to_json(p);
      body["didResolutionMetadata"] = {{"error", code}};
      res.set_content(body.dump() + "\n", kProblemContentType);
      return;
    }
    res.status = 200;
    res.set_content(result->dump() + "\n", "application/did-resolution+json");
  });
}

}  // namespace pv::api
