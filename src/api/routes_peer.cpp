// GET /v1/peer/status: the checkpoint exchange between the nodes of a cluster. Only member
// nodes may ask: the request must carry an RFC 9421 signature by a node key of the genesis
// membership (keyid: the node's did:key). The answer is signed on its own (sealed header, signed
// checkpoint), so the asker checks it without trusting the transport.

#include <mutex>

#include "api/routes.hpp"
#include "identity/http_signature.hpp"

namespace pv::api {
namespace {

HttpRequest signed_view(const httplib::Request& req) {
  HttpRequest r;
  r.method = req.method;
  r.target = req.target;
  r.authority = req.get_header_value("Host");
  for (const auto& [name, value] : req.headers) r.headers.emplace(name, value);
  r.body = to_bytes(req.body);
  return r;
}

}  // namespace

void add_peer_routes(RouteTable& routes, ApiContext& ctx) {
  auto guard = std::make_shared<ReplayGuard>();
  routes.get(
      "GET /v1/peer/status", "/v1/peer/status",
      [&ctx, guard](const httplib::Request& req, httplib::Response& res) {
        auto resolve = [&ctx](std::string_view keyid) -> Result<PublicKey> {
          auto key = resolve_did_key(keyid);
          if (!key) return key.error();
          if (!ctx.node.is_member_node_key(*key))
            return make_error(Errc::forbidden, "key " + std::string(keyid) +
                                                   " is not a node key of the genesis membership");
          return key;
        };
        auto who =
            verify_request(signed_view(req), resolve, std::chrono::system_clock::now(), *guard);
        if (!who) {
          Error e = who.error();
          if (e.code != Errc::unavailable) e.code = Errc::unauthorized;
          e.message = "peer routes need an RFC 9421 signature by a member node key: " + e.message;
          return send_error(res, e);
        }
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
