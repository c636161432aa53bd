#include "http/router.hpp"

#include <cassert>

namespace pv::http {
namespace {

bool is_parameter(const std::string& segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// Fills `params` with the parameters when `segments` fit the template.
bool fits(const Route& route, const std::vector<std::string>& segments,
          std::vector<std::string>* params) {
  if (route.segments.size() != segments.size()) return false;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (is_parameter(route.segments[i])) {
      if (segments[i].empty()) return false;
      if (params != nullptr) params->push_back(segments[i]);
    } else if (route.segments[i] != segments[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Router::add(std::string_view label, Handler handler, BodyMode body) {
  const std::size_t space = label.find(' ');
  assert(space != std::string_view::npos && label.size() > space + 1 && label[space + 1] == '/');
  Route route;
  route.method = std::string(label.substr(0, space));
  route.label = std::string(label);
  std::string_view path = label.substr(space + 2);
  while (true) {
    const std::size_t slash = path.find('/');
    route.segments.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path = path.substr(slash + 1);
  }
  route.handler = std::move(handler);
  route.body = body;
  routes_.push_back(std::move(route));
}

Router::Match Router::find(std::string_view method, const std::vector<std::string>& segments) const {
  const std::string_view m = method == "HEAD" ? std::string_view("GET") : method;
  for (const auto& r : routes_) {
    if (r.method != m) continue;
    std::vector<std::string> params;
    if (!fits(r, segments, &params)) continue;
    Match match;
    match.route = &r;
    std::string path;
    for (const auto& s : segments) path += "/" + s;
    match.matches.push_back(std::move(path));
    for (auto& p : params) match.matches.push_back(std::move(p));
    return match;
  }
  return {};
}

std::string Router::allowed_methods(const std::vector<std::string>& segments) const {
  std::string out;
  for (const auto& r : routes_) {
    if (!fits(r, segments, nullptr)) continue;
    if (out.find(r.method) != std::string::npos) continue;
    if (!out.empty()) out += ", ";
    out += r.method;
    if (r.method == "GET") out += ", HEAD";
  }
  return out;
}

std::vector<std::string> Router::labels() const {
  std::vector<std::string> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_) out.push_back(r.label);
  return out;
}

}  // namespace pv::http
