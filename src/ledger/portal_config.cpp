#include "ledger/portal_config.hpp"

#include <algorithm>
#include <cctype>

namespace pv {
namespace {

bool is_host_char(char c) {
  return std::islower(static_cast<unsigned char>(c)) ||
         std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.';
}

bool is_local(std::string_view host) {
  return host == "localhost" || host == "127.0.0.1";
}

}  // namespace

Result<std::string> portal_origin_host(std::string_view origin) {
  auto bad = [&](const std::string& why) {
    return make_error(Errc::invalid_argument,
                      "portal origin \"" + std::string(origin) + "\": " + why);
  };
  if (origin.size() > kMaxPortalOriginBytes) return bad("over 256 bytes");
  std::string_view rest;
  bool https = false;
  if (origin.rfind("https://", 0) == 0) {
    rest = origin.substr(8);
    https = true;
  } else if (origin.rfind("http://", 0) == 0) {
    rest = origin.substr(7);
  } else {
    return bad("an origin is https://host[:port]");
  }
  const std::size_t colon = rest.find(':');
  const std::string_view host = rest.substr(0, colon);
  if (host.empty()) return bad("no host");
  if (!std::all_of(host.begin(), host.end(), is_host_char))
    return bad("the host has lower-case letters, digits, '-' and '.' only (no path, no '/')");
  if (host.front() == '.' || host.back() == '.' || host.find("..") != std::string_view::npos)
    return bad("the host is not a domain name");
  if (colon != std::string_view::npos) {
    const std::string_view port = rest.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.front() == '0' ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoul(std::string(port)) > 65535)
      return bad("the port is 1 to 65535, written without leading zeros");
  }
  if (!https && !is_local(host)) return bad("plain http only for localhost or 127.0.0.1 (tests)");
  return std::string(host);
}

Status check_portal_config(const PortalConfig& p) {
  if (p.empty()) return Status::ok();
  if (p.origins.empty() || p.origins.size() > kMaxPortalOrigins)
    return make_error(Errc::invalid_argument, "portal: 1 to 8 origins");
  if (!std::is_sorted(p.origins.begin(), p.origins.end()) ||
      std::adjacent_find(p.origins.begin(), p.origins.end()) != p.origins.end())
    return make_error(Errc::invalid_argument,
                      "portal: origins are listed once each, in ascending order");
  if (p.rp_id.empty() || p.rp_id.size() > kMaxPortalOriginBytes)
    return make_error(Errc::invalid_argument, "portal: the RP ID is a domain of up to 256 bytes");
  if (!is_local(p.rp_id) && p.rp_id.find('.') == std::string::npos)
    return make_error(
        Errc::invalid_argument,
        "portal: the RP ID is a registrable domain such as example.org, not \"" + p.rp_id + "\"");
  for (const auto& origin : p.origins) {
    auto host = portal_origin_host(origin);
    if (!host) return host.error();
    const bool suffix =
        host->size() > p.rp_id.size() &&
        host->compare(host->size() - p.rp_id.size(), p.rp_id.size(), p.rp_id) == 0 &&
        (*host)[host->size() - p.rp_id.size() - 1] == '.';
    if (*host != p.rp_id && (is_local(*host) || !suffix))
      return make_error(Errc::invalid_argument, "portal: the RP ID \"" + p.rp_id +
                                                    "\" is neither the host of " + origin +
                                                    " nor a domain it belongs to");
  }
  return Status::ok();
}

}  // namespace pv
