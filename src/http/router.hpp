#pragma once
// Routes by path template. A route is named by its label, "METHOD /path/{param}", which is also
// its operation in docs/openapi.yaml and its label in /metrics; each {param} matches one
// non-empty path segment and reaches the handler, decoded, in Request::matches.

#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace pv::http {

// How the front hands a route its body: read in full before the handler runs (within
// Limits::max_body_bytes), or pulled by the handler through its ContentReader as it goes.
enum class BodyMode { buffered, streamed };

struct Route {
  std::string method;
  std::string label;
  std::vector<std::string> segments;  // of the template, "{x}" for a parameter
  Handler handler;
  BodyMode body = BodyMode::buffered;
};

class Router {
 public:
  // `label` is "METHOD /template". REQUIRES: a valid label (a programming error otherwise).
  void add(std::string_view label, Handler handler, BodyMode body = BodyMode::buffered);

  struct Match {
    const Route* route = nullptr;      // null: no route for this method and path
    std::vector<std::string> matches;  // [0] the path, then each parameter
  };
  // HEAD finds the GET route. `segments` are the decoded path's segments (url.hpp).
  Match find(std::string_view method, const std::vector<std::string>& segments) const;
  // Methods served at this path ("GET, HEAD, POST"); "" when no route has this path.
  std::string allowed_methods(const std::vector<std::string>& segments) const;
  std::vector<std::string> labels() const;

 private:
  std::vector<Route> routes_;
};

}  // namespace pv::http
