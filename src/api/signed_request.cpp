// Authenticating a request made on someone's behalf (RFC 9421, docs/request-signatures.md): the
// server side of what NodeClient::set_signer does. The keyid is resolved from the node's
// committed state (a did:key's own key, or a did:pv key URL in the DID's current document).

#include <chrono>

#include "api/routes.hpp"
#include "identity/http_signature.hpp"
#include "ledger/signer.hpp"
#include "node/record_access.hpp"

namespace pv::api {

HttpRequest signed_message_of(const httplib::Request& req) {
  HttpRequest message;
  message.method = req.method;
  message.target = req.target;
  message.authority = req.get_header_value("Host");
  message.body = to_bytes(req.body);
  for (const auto& [name, value] : req.headers) message.headers.emplace(name, value);
  return message;
}

Result<std::string> signed_request_did(ApiContext& ctx, const httplib::Request& req) {
  // One guard per process: signatures are unique, so sharing it between servers is harmless.
  static ReplayGuard replay_guard;
  if (!req.has_header("Signature-Input") || !req.has_header("Signature"))
    return make_error(Errc::unauthorized,
                      "this route needs a request signed by the identity it concerns (RFC 9421); "
                      "use a pv command with --as NAME");
  HttpRequest message = signed_message_of(req);
  NodeStateView state(ctx.node);
  auto keyid = verify_request(
      message, [&state](std::string_view id) { return resolve_did_url_key(state, id); },
      std::chrono::system_clock::now(), replay_guard);
  if (!keyid) return keyid.error();
  return nonce_owner(*keyid);
}

}  // namespace pv::api
