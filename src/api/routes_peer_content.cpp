// Content between the nodes of a cluster (docs/cluster.md, "Content replication"), for member
// nodes only (RFC 9421 signature by a genesis node key, api/peer_auth.hpp):
//   GET  /v1/peer/blocks/{cid}    one block as this node holds it (raw bytes; 404 if not here).
//                                 Never fetched from elsewhere, so two nodes that both lack a
//                                 block cannot bounce each other's requests.
//   POST /v1/peer/replicas/{cid}  pull the DAG under {cid} this node lacks from the asking node
//                                 (then the other peers), every block checked against its CID,
//                                 and pin it; 200 {"pinned", "blocks", "fetched"} once the pin
//                                 is durable.

#include "api/content_http.hpp"
#include "api/peer_auth.hpp"
#include "node/content_replication.hpp"

namespace pv::api {
namespace {

using nlohmann::json;

void get_peer_block(ApiContext& ctx, ReplayGuard& guard, const http::Request& req,
                    http::Response& res) {
  auto who = authenticate_peer(ctx, req, req.body, guard);
  if (!who) return send_error(res, who.error());
  if (ctx.local_blocks == nullptr)
    return send_error(
        res, make_error(Errc::unavailable, "this node was started without a content store"));
  auto cid = parse_cid_argument(req.matches[1]);
  if (!cid) return send_error(res, cid.error());
  auto bytes = ctx.local_blocks->get(*cid);
  if (!bytes) return send_error(res, bytes.error());
  res.status = 200;
  res.set_content(std::string(as_chars(*bytes)), "application/vnd.ipld.raw");
}

void post_replica(ApiContext& ctx, ReplayGuard& guard, const http::Request& req,
                  http::Response& res) {
  auto who = authenticate_peer(ctx, req, req.body, guard);
  if (!who) return send_error(res, who.error());
  if (ctx.replication == nullptr)
    return send_error(
        res, make_error(Errc::unavailable, "this node was started without a content store"));
  auto cid = parse_cid_argument(req.matches[1]);
  if (!cid) return send_error(res, cid.error());
  auto report = ctx.replication->pull_and_pin(*cid, *who);
  if (!report) return send_error(res, report.error());
  send_json(res, 200,
            {{"pinned", cid->to_v1().to_string()},
             {"blocks", report->blocks},
             {"fetched", report->fetched}});
}

}  // namespace

void add_peer_content_routes(RouteTable& routes, ApiContext& ctx) {
  auto guard = std::make_shared<ReplayGuard>();
  routes.get("GET /v1/peer/blocks/{cid}",
             [&ctx, guard](const http::Request& req, http::Response& res) {
               get_peer_block(ctx, *guard, req, res);
             });
  routes.post("POST /v1/peer/replicas/{cid}",
              [&ctx, guard](const http::Request& req, http::Response& res,
                            const http::ContentReader&) {
                post_replica(ctx, *guard, req, res);
              });
}

}  // namespace pv::api
