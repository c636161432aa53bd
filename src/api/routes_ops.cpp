// GET /healthz and GET /metrics: for load balancers, orchestrators and Prometheus.
// GET /openapi.yaml: the OpenAPI 3.1 description of this API (docs/openapi.yaml).

#include "api/metrics.hpp"
#include "api/openapi_document.hpp"
#include "api/routes.hpp"
#include "api/witness_submitter.hpp"
#include "node/content_replication.hpp"

namespace pv::api {

void add_ops_routes(RouteTable& routes, ApiContext& ctx) {
  routes.get("GET /healthz", [&ctx](const http::Request&, http::Response& res) {
    Status health = ctx.node.health();
    if (!health) {
      Error e = health.error();
      Problem p = problem_from_error(e);
      p.status = 503;  // whatever the cause, the node is not serving writes
      return send_problem(res, p);
    }
    res.status = 200;
    res.set_content("ok\n", "text/plain; charset=utf-8");
  });
  routes.get("GET /metrics", [&ctx](const http::Request&, http::Response& res) {
    res.status = 200;
    std::string text = ctx.metrics.render(ctx.node.metrics());
    if (ctx.replication != nullptr) text += render_replication_metrics(ctx.replication->stats());
    if (ctx.http != nullptr) text += render_http_front(*ctx.http);
    if (ctx.witnesses != nullptr) text += render_witness_metrics(ctx.witnesses->status());
    res.set_content(text, kPrometheusContentType);
  });
  routes.get("GET /openapi.yaml",
             [](const http::Request&, http::Response& res) {
               res.status = 200;
               const std::string_view text = openapi_document();
               res.set_content(std::string(text), kOpenApiContentType);
             });
}

}  // namespace pv::api
