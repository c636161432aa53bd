#pragma once
// Internal to the api level: authenticating node-to-node requests. Peer routes answer only
// requests carrying an RFC 9421 signature (docs/request-signatures.md) whose keyid is the did:key
// of a node key of the genesis membership; anything else is 401 with the rule that failed.

#include "http/message.hpp"

#include "api/routes.hpp"

namespace pv::api {

// The member node key that signed `req` (with `body`), or Errc::unauthorized.
[[nodiscard]] Result<PublicKey> authenticate_peer(ApiContext& ctx, const http::Request& req,
                                                  const std::string& body, ReplayGuard& guard);

}  // namespace pv::api
