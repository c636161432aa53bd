#include "node/peer_client.hpp"

#include <httplib.h>

#include "codec/did_key.hpp"
#include "identity/http_signature.hpp"

namespace pv {

Result<std::string> PeerClient::get(const std::string& base_url, const std::string& target,
                                    std::chrono::milliseconds timeout) const {
  return send("GET", base_url, target, {}, timeout);
}

Result<std::string> PeerClient::post(const std::string& base_url, const std::string& target,
                                     const std::string& body,
                                     std::chrono::milliseconds timeout) const {
  return send("POST", base_url, target, body, timeout);
}

Result<std::string> PeerClient::send(const std::string& method, const std::string& base_url,
                                     const std::string& target, const std::string& body,
                                     std::chrono::milliseconds timeout) const {
  std::string authority =
      base_url.substr(base_url.find("://") == std::string::npos ? 0 : base_url.find("://") + 3);
  if (auto slash = authority.find('/'); slash != std::string::npos) authority.resize(slash);
  HttpRequest request{method, target, authority, {}, to_bytes(body)};
  if (method == "POST") set_header(request.headers, "Content-Type", "application/json");
  SignOptions options;
  options.keyid = did_key_from_public_key(key_.public_key());
  options.created = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  Bytes nonce(16);
  random_bytes(nonce.data(), nonce.size());
  options.nonce = to_hex(nonce);
  PV_TRY(sign_request(request, key_, options));

  httplib::Client client(base_url);
  if (!ca_file_.empty()) client.set_ca_cert_path(ca_file_);
  client.enable_server_certificate_verification(true);
  client.set_connection_timeout(std::min(timeout, std::chrono::milliseconds(5000)));
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  httplib::Headers headers;
  for (const auto& [name, value] : request.headers)
    if (name != "Content-Type") headers.emplace(name, value);
  auto res = method == "POST" ? client.Post(target, headers, body, "application/json")
                              : client.Get(target, headers);
  if (!res)
    return make_error(Errc::unavailable, "peer " + base_url + " did not answer " + target + ": " +
                                             httplib::to_string(res.error()));
  if (res->status != 200)
    return make_error(res->status == 404 ? Errc::not_found : Errc::unavailable,
                      "peer " + base_url + " answered " + std::to_string(res->status) + " to " +
                          target + ": " + res->body.substr(0, 300));
  return res->body;
}

}  // namespace pv
