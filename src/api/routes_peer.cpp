// GET /v1/peer/status: the checkpoint exchange between the nodes of a cluster. Only member
// nodes may ask: the request must carry an RFC 9421 signature by a node key of the genesis
// membership (keyid: the node's did:key). The answer is signed on its own (sealed header, signed
// checkpoint), so the asker checks it without trusting the transport.

#include "api/peer_auth.hpp"
#include "api/routes.hpp"

namespace pv::api {

void add_peer_routes(RouteTable& routes, ApiContext& ctx) {
  auto guard = std::make_shared<ReplayGuard>();
  routes.get("GET /v1/peer/status",
             [&ctx, guard](const http::Request& req, http::Response& res) {
               auto who = authenticate_peer(ctx, req, req.body, *guard);
               if (!who) return send_error(res, who.error());
               std::uint64_t height = UINT64_MAX;
               if (req.has_param("height")) {
                 auto h = parse_decimal(req.get_param_value("height"), "height");
                 if (!h) return send_error(res, h.error());
                 height = *h;
               }
               auto status = ctx.node.peer_status(height);
               if (!status) return send_error(res, status.error());
               res.status = 200;
               res.set_content(peer_status_to_json(*status), "application/json");
             });
}

}  // namespace pv::api
