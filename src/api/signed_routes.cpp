// The signed-route wrappers of routes.hpp: body, signature check, then the handler.

#include "api/routes.hpp"

namespace pv::api {
namespace {

void authenticated(ApiContext& ctx, const httplib::Request& req, httplib::Response& res,
                   std::string body, const SignedHandler& handler) {
  auto signer = ctx.auth.authenticate(signature_view(req, body));
  if (!signer) return send_error(res, signer.error());
  SignedRequest signed_req{req, std::move(body), std::move(*signer)};
  handler(signed_req, res);
}

}  // namespace

HttpRequest signature_view(const httplib::Request& req, const std::string& body) {
  HttpRequest r;
  r.method = req.method;
  r.target = req.target;
  r.authority = req.get_header_value("Host");
  for (const auto& [name, value] : req.headers) r.headers.emplace(name, value);
  r.borrowed_body = as_bytes(body);
  return r;
}

httplib::Server::HandlerWithContentReader signed_post(ApiContext& ctx, SignedHandler handler) {
  return [&ctx, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res,
                                              const httplib::ContentReader& reader) {
    std::string body;
    bool over_limit = false;
    reader([&](const char* data, std::size_t n) {
      // Keep reading past the limit (without storing) so the client sees a clean 413.
      if (body.size() + n > ctx.options.max_body_bytes) over_limit = true;
      if (!over_limit) body.append(data, n);
      return true;
    });
    if (over_limit)
      return send_problem(
          res, http_problem(413, "request body is larger than the limit of " +
                                     std::to_string(ctx.options.max_body_bytes) + " bytes"));
    authenticated(ctx, req, res, std::move(body), handler);
  };
}

httplib::Server::Handler signed_get(ApiContext& ctx, SignedHandler handler) {
  return [&ctx, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    authenticated(ctx, req, res, req.body, handler);
  };
}

}  // namespace pv::api
