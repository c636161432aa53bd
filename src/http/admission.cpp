#include "http/admission.hpp"

#include <algorithm>

#include "http/url.hpp"

namespace pv::http {
namespace {

using boost::beast::iequals;

Refused refuse(Refusal reason, std::string detail, const BodyInfo& body) {
  // Without a body the whole request was read: the connection can go on.
  return Refused{reason, std::move(detail), "", !body.present};
}

}  // namespace

std::variant<Admitted, Refused> admit(const RequestHead& head, const BodyInfo& body,
                                      const Router& router, const Limits& limits,
                                      const std::string& remote_addr) {
  const std::string_view target(head.target().data(), head.target().size());
  if (target.size() > limits.max_url_bytes)
    return refuse(Refusal::url_too_long,
                  "the request target is " + std::to_string(target.size()) +
                      " bytes; the limit is " + std::to_string(limits.max_url_bytes),
                  body);
  std::size_t count = 0;
  std::size_t bytes = 0;
  std::size_t hosts = 0;
  for (const auto& field : head) {
    ++count;
    bytes += field.name_string().size() + field.value().size() + 4;
    if (iequals(field.name_string(), "host"))
      ++hosts;
  }
  if (count > limits.max_header_count)
    return refuse(Refusal::too_many_headers,
                  "the request has " + std::to_string(count) + " header lines; the limit is " +
                      std::to_string(limits.max_header_count),
                  body);
  if (bytes > limits.max_header_bytes)
    return refuse(Refusal::headers_too_large,
                  "the request's headers are " + std::to_string(bytes) +
                      " bytes; the limit is " + std::to_string(limits.max_header_bytes),
                  body);
  if (head.version() != 10 && head.version() != 11)
    return Refused{Refusal::malformed, "only HTTP/1.0 and HTTP/1.1 are served", "", false};
  if ((head.version() == 11 && hosts != 1) || hosts > 1)
    return refuse(Refusal::missing_host,
                  hosts == 0 ? "an HTTP/1.1 request needs a Host header (RFC 9112 section 3.2)"
                             : "a request may carry only one Host header",
                  body);

  // RFC 9112 section 6.3: a request whose last transfer coding is not chunked has no reliable
  // length; codings other than chunked are not decoded here at all (like Content-Encoding), and
  // HTTP/1.0 has no transfer codings.
  auto te = head.find(boost::beast::http::field::transfer_encoding);
  if (te != head.end() &&
      (head.version() == 10 ||
       !iequals(te->value(), "chunked")))
    return Refused{Refusal::malformed,
                   "only \"Transfer-Encoding: chunked\" is accepted (in HTTP/1.1), with no other "
                   "transfer coding"};

  auto decoded = decode_target(target);
  if (!decoded) return refuse(Refusal::malformed, decoded.error().message, body);

  const std::string_view method(head.method_string().data(), head.method_string().size());
  auto match = router.find(method, decoded->segments);
  if (match.route == nullptr) {
    std::string allowed = router.allowed_methods(decoded->segments);
    if (allowed.empty())
      return refuse(Refusal::not_found, "no route for " + std::string(method) + " " +
                                            decoded->path.substr(0, 200),
                    body);
    Refused r = refuse(Refusal::method_not_allowed,
                       std::string(method) + " is not allowed on " + decoded->path.substr(0, 200) +
                           "; use " + allowed,
                       body);
    r.allow = std::move(allowed);
    return r;
  }

  Admitted out;
  if (body.present) {
    auto encoding = head.find(boost::beast::http::field::content_encoding);
    if (encoding != head.end() &&
        !iequals(encoding->value(),
                 "identity"))
      return refuse(Refusal::unsupported_encoding,
                    "request bodies are not decompressed: send it without Content-Encoding",
                    body);
    if (match.route->body == BodyMode::buffered && body.content_length &&
        *body.content_length > limits.max_body_bytes)
      return refuse(Refusal::body_too_large,
                    "request body is larger than the limit of " +
                        std::to_string(limits.max_body_bytes) + " bytes",
                    body);
  }
  auto expect = head.find(boost::beast::http::field::expect);
  if (expect != head.end()) {
    if (!iequals(expect->value(),
                 "100-continue"))
      return refuse(Refusal::bad_expectation, "the only expectation served is 100-continue", body);
    out.expects_continue = body.present;
  }

  Request& req = out.request;
  req.method = std::string(method);
  req.target = std::string(target);
  req.path = std::move(decoded->path);
  req.version = head.version();
  req.params = std::move(decoded->params);
  req.matches = std::move(match.matches);
  req.remote_addr = remote_addr;
  for (const auto& field : head)
    req.headers.emplace(std::string(field.name_string()), std::string(field.value()));
  out.route = match.route;
  return out;
}

}  // namespace pv::http
