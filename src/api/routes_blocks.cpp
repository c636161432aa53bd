// Signed content uploads (docs/api.md, "Content"): POST /v1/blocks takes a CARv1 of at most
// max_body_bytes whose every block is checked against its CID before any is stored (a bad block,
// a block under the wrong CID or a truncated CAR refuses the whole request and stores nothing);
// POST and DELETE /v1/pins/{cid} pin and unpin a DAG; GET /v1/pins lists pins. Large objects go
// up as several CARs followed by one pin (what `pv blob put` and `pv blob import` do).
// Durability: an acknowledged POST /v1/blocks means "verified and stored", not "durable"; the
// pin is the commit point, and it is answered only once every block under it is on disk.
//
// Uploads and pin changes require an RFC 9421 signed request (docs/request-signatures.md),
// checked by the node's RequestAuthenticator; reads do not (the gateway serves ciphertext only).

#include "api/content_http.hpp"
#include "content/car.hpp"
#include "identity/http_signature.hpp"

namespace pv::api {
namespace {

using nlohmann::json;

// The keyid of the RFC 9421 signature on this request, checked by the node's
// RequestAuthenticator (request_auth.hpp: body digest, clock, replay, did:key or an active
// did:pv key).
Result<std::string> signed_uploader(ApiContext& ctx, const http::Request& req,
                                    const std::string& body) {
  if (!req.has_header("Signature") || !req.has_header("Signature-Input"))
    return make_error(Errc::unauthorized,
                      "this route needs a request signed with RFC 9421 HTTP Message Signatures "
                      "(docs/request-signatures.md); pv blob put --as NAME signs for you");
  // The body is borrowed, not copied (an upload is up to max_body_bytes).
  auto signer = ctx.auth.authenticate(signature_view(req, body));
  if (!signer) return signer.error();
  return signer->keyid;
}

void post_blocks(ApiContext& ctx, const http::Request& req, http::Response& res) {
  auto store = content_store(ctx);
  if (!store) return send_error(res, store.error());
  // The front read the body whole, within the body limit, into a recycled buffer.
  const std::string* body = &req.body;
  auto who = signed_uploader(ctx, req, *body);
  if (!who) return send_error(res, who.error());

  // Read and verify the whole CAR before storing anything. It is read where it lies: the
  // blocks stored are views into the body, none is copied on the way.
  auto car = content::CarReader::read_in_place(as_bytes(*body));
  if (!car) return send_error(res, car.error());
  // One write, unsynced: the blocks become durable when the upload's root is pinned (pin()
  // flushes before it records the pin), not batch by batch (docs/content-store.md).
  // Every block was checked against its CID by the CAR reader: the store need not hash again.
  Status stored =
      car->blocks.empty() ? Status::ok() : (*store)->put_all_checked(car->checked, car->blocks);
  if (!stored) return send_error(res, stored.error());
  json roots = json::array();
  for (const auto& r : car->roots) roots.push_back(r.to_string());
  send_json(res, 200,
            {{"blocks", car->blocks.size()}, {"bytes", car->block_bytes}, {"roots", roots}});
}

void change_pin(ApiContext& ctx, bool pin, const http::Request& req, http::Response& res,
                const std::string& body) {
  auto store = content_store(ctx);
  if (!store) return send_error(res, store.error());
  auto who = signed_uploader(ctx, req, body);
  if (!who) return send_error(res, who.error());
  auto cid = parse_cid_argument(req.matches[1]);
  if (!cid) return send_error(res, cid.error());
  Status s = pin ? (*store)->pin(*cid) : (*store)->unpin(*cid);
  if (!s) return send_error(res, s.error());
  send_json(res, 200, {{pin ? "pinned" : "unpinned", cid->to_v1().to_string()}});
}

}  // namespace

void add_block_routes(RouteTable& routes, ApiContext& ctx) {
  routes.post("POST /v1/blocks",
              [&ctx](const http::Request& req, http::Response& res,
                     const http::ContentReader&) { post_blocks(ctx, req, res); });
  routes.post("POST /v1/pins/{cid}",
              [&ctx](const http::Request& req, http::Response& res, const http::ContentReader&) {
                change_pin(ctx, true, req, res, req.body);
              });
  routes.del("DELETE /v1/pins/{cid}",
             [&ctx](const http::Request& req, http::Response& res) {
               change_pin(ctx, false, req, res, req.body);
             });
  routes.get("GET /v1/pins", [&ctx](const http::Request&, http::Response& res) {
    auto store = content_store(ctx);
    if (!store) return send_error(res, store.error());
    auto pins = (*store)->pins();
    if (!pins) return send_error(res, pins.error());
    json list = json::array();
    for (const auto& c : *pins) list.push_back(c.to_string());
    send_json(res, 200, {{"pins", list}});
  });
}

}  // namespace pv::api
