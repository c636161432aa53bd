#include "api/peer_auth.hpp"

#include "identity/http_signature.hpp"

namespace pv::api {

Result<PublicKey> authenticate_peer(ApiContext& ctx, const http::Request& req,
                                    const std::string& body, ReplayGuard& guard) {
  std::optional<PublicKey> signer;
  auto resolve = [&ctx, &signer](std::string_view keyid) -> Result<PublicKey> {
    auto key = resolve_did_key(keyid);
    if (!key) return key.error();
    if (!ctx.node.is_member_node_key(*key))
      return make_error(Errc::forbidden, "key " + std::string(keyid) +
                                             " is not a node key of the genesis membership");
    signer = *key;
    return key;
  };
  auto who =
      verify_request(signature_view(req, body), resolve, std::chrono::system_clock::now(), guard);
  if (!who || !signer) {
    Error e = who ? make_error(Errc::unauthorized, "no signer") : who.error();
    if (e.code != Errc::unavailable) e.code = Errc::unauthorized;
    e.message = "peer routes need an RFC 9421 signature by a member node key: " + e.message;
    return e;
  }
  return *signer;
}

}  // namespace pv::api
