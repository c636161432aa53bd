#include "http/refusal.hpp"

namespace pv::http {

const char* refusal_name(Refusal reason) {
  switch (reason) {
    case Refusal::malformed: return "malformed";
    case Refusal::missing_host: return "missing_host";
    case Refusal::header_timeout: return "header_timeout";
    case Refusal::body_timeout: return "body_timeout";
    case Refusal::url_too_long: return "url_too_long";
    case Refusal::headers_too_large: return "headers_too_large";
    case Refusal::too_many_headers: return "too_many_headers";
    case Refusal::body_too_large: return "body_too_large";
    case Refusal::unsupported_encoding: return "unsupported_encoding";
    case Refusal::bad_expectation: return "bad_expectation";
    case Refusal::too_many_connections: return "too_many_connections";
    case Refusal::too_many_from_address: return "too_many_from_address";
    case Refusal::queue_full: return "queue_full";
    case Refusal::memory_budget: return "memory_budget";
    case Refusal::not_found: return "not_found";
    case Refusal::method_not_allowed: return "method_not_allowed";
    case Refusal::internal_error: return "internal_error";
    case Refusal::kCount: break;
  }
  return "unknown";
}

int refusal_status(Refusal reason) {
  switch (reason) {
    case Refusal::malformed:
    case Refusal::missing_host: return 400;
    case Refusal::header_timeout:
    case Refusal::body_timeout: return 408;
    case Refusal::url_too_long: return 414;
    case Refusal::headers_too_large:
    case Refusal::too_many_headers: return 431;
    case Refusal::body_too_large: return 413;
    case Refusal::unsupported_encoding: return 415;
    case Refusal::bad_expectation: return 417;
    case Refusal::too_many_from_address: return 429;
    case Refusal::too_many_connections:
    case Refusal::queue_full:
    case Refusal::memory_budget: return 503;
    case Refusal::not_found: return 404;
    case Refusal::method_not_allowed: return 405;
    case Refusal::internal_error:
    case Refusal::kCount: break;
  }
  return 500;
}

}  // namespace pv::http
