#pragma once
// RFC 9457 problem details: every error the HTTP API answers is one of these, served as
// `application/problem+json`. The `type` of an error that comes from a pv::Errc is
// "urn:pv:problem:<errc name>", so a client can turn it back into the same pv::Error; errors of
// HTTP itself (unknown route, wrong method, body too large) use "about:blank" and the status
// phrase as title, as RFC 9457 section 4.2.1 asks.

#include <nlohmann/json.hpp>
#include <string>

#include "base/result.hpp"

namespace pv::api {

inline constexpr const char* kProblemContentType = "application/problem+json";
inline constexpr const char* kProblemTypePrefix = "urn:pv:problem:";

struct Problem {
  int status = 500;
  std::string type = "about:blank";
  std::string title;
  std::string detail;
  nlohmann::json extensions = nlohmann::json::object();  // extra members, e.g. per-tx results
};

// HTTP status for an error code. The choices are documented in docs/api.md.
int http_status(Errc code);
// Standard reason phrase, e.g. "Not Found".
const char* status_phrase(int status);

Problem problem_from_error(const Error& error);
// A problem about HTTP itself (type about:blank).
Problem http_problem(int status, std::string detail);

nlohmann::json problem_to_json(const Problem& problem);

// Reads a problem document back into an error; falls back on the HTTP status when the type is
// not one of ours. `body` may be anything (a proxy's HTML page, say).
Error error_from_problem(int status, const std::string& body);

}  // namespace pv::api
