#include "api/kubo_rpc_support.hpp"

#include <nlohmann/json.hpp>

namespace pv::api {

using nlohmann::json;

void kubo_error(http::Response& res, const Error& e) {
  bool client_error = e.code == Errc::invalid_argument || e.code == Errc::malformed ||
                      e.code == Errc::non_canonical || e.code == Errc::too_large;
  // Kubo answers 500 for most failures, a missing block included; its clients read the message,
  // not the status, so a missing block or a node without a store answers 404 or 503 here, and
  // 500 stays what it means: a failure of this node.
  int status = client_error                      ? 400
               : e.code == Errc::forbidden       ? 403
               : e.code == Errc::not_found       ? 404
               : e.code == Errc::unavailable     ? 503
                                                 : 500;
  res.status = status;
  json body{{"Message", e.message}, {"Code", client_error ? 1 : 0}, {"Type", "error"}};
  res.set_content(body.dump() + "\n", "application/json");
}

bool is_loopback(const std::string& addr) {
  return addr.rfind("127.", 0) == 0 || addr == "::1" || addr.rfind("::ffff:127.", 0) == 0;
}

// Kubo booleans: "true"/"1", "false"/"0"; a bare flag ("?pin") is true.
Result<std::optional<bool>> bool_param(const http::Request& req, const char* name) {
  if (!req.has_param(name)) return std::optional<bool>();
  std::string v = req.get_param_value(name);
  if (v.empty() || v == "true" || v == "1") return std::optional<bool>(true);
  if (v == "false" || v == "0") return std::optional<bool>(false);
  return make_error(
      Errc::invalid_argument,
      std::string("option ") + name + " must be true or false, got \"" + v.substr(0, 20) + "\"");
}

}  // namespace pv::api
