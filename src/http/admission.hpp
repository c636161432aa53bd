#pragma once
// Internal to the http level: what the front decides once a request's head is parsed, before
// any of its body is read. Shared by the connection (server.cpp) and the fuzz target, so that
// both exercise the same checks.

#include <boost/beast/http.hpp>
#include <cstdint>
#include <optional>
#include <variant>

#include "http/limits.hpp"
#include "http/message.hpp"
#include "http/refusal.hpp"
#include "http/router.hpp"

namespace pv::http {

using RequestHead = boost::beast::http::request_header<>;

struct BodyInfo {
  bool present = false;                        // a body follows the head
  std::optional<std::uint64_t> content_length;  // when declared
};

struct Admitted {
  Request request;  // every field but `body`
  const Route* route = nullptr;
  bool expects_continue = false;  // the client waits for 100 Continue before its body
};

// Checks a parsed head against the limits and the routes: URL length, header count and bytes,
// HTTP version, Host, target decoding, route and method, Content-Encoding, Expect, and the
// declared body length of a buffered route. Never throws.
std::variant<Admitted, Refused> admit(const RequestHead& head, const BodyInfo& body,
                                      const Router& router, const Limits& limits,
                                      const std::string& remote_addr);

}  // namespace pv::http
