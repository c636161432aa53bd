// The signed-route wrappers of routes.hpp: body, signature check, then the handler.

#include "api/routes.hpp"

namespace pv::api {
namespace {

void authenticated(ApiContext& ctx, const http::Request& req, http::Response& res,
                   const std::string& body, const SignedHandler& handler) {
  auto signer = ctx.auth.authenticate(signature_view(req, body));
  if (!signer) return send_error(res, signer.error());
  SignedRequest signed_req{req, body, std::move(*signer)};
  handler(signed_req, res);
}

}  // namespace

HttpRequest signature_view(const http::Request& req, const std::string& body) {
  HttpRequest r;
  r.method = req.method;
  r.target = req.target;
  r.authority = req.get_header_value("Host");
  for (const auto& [name, value] : req.headers) r.headers.emplace(name, value);
  r.borrowed_body = as_bytes(body);
  return r;
}

http::Handler signed_post(ApiContext& ctx, SignedHandler handler) {
  // The front has read the whole body within the body limit (413 beyond it).
  return [&ctx, handler = std::move(handler)](const http::Request& req, http::Response& res,
                                              const http::ContentReader&) {
    authenticated(ctx, req, res, req.body, handler);
  };
}

RouteTable::SimpleHandler signed_get(ApiContext& ctx, SignedHandler handler) {
  return [&ctx, handler = std::move(handler)](const http::Request& req, http::Response& res) {
    authenticated(ctx, req, res, req.body, handler);
  };
}

}  // namespace pv::api
