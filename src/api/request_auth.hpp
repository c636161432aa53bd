#pragma once
// Server side of signed requests (docs/request-signatures.md): a request made on someone's behalf
// must carry a valid RFC 9421 signature. RequestAuthenticator checks one against the node's
// current state; routes opt in with signed_post() / signed_get() (routes.hpp), whose handlers get
// the authenticated signer.
//
// Rules, each refused with Errc::unauthorized (401 problem document) naming the rule:
//   - Signature-Input and Signature present and parseable ("no request signature", ...);
//   - @method, @path, content-digest (and @query when the target has one) covered, `created`
//     present and within max_skew of the node's clock ("stale", "in the future");
//   - Content-Digest matches the body;
//   - keyid resolves: a did:key, or a did:pv key URL "did:pv:...#key-N" naming an active key of
//     the DID's CURRENT document (a rotated-out or removed key, any key of a deactivated DID, or
//     an unknown DID is refused);
//   - the Ed25519 signature verifies;
//   - the signature was not seen before (ReplayGuard, remembered for max_skew).
// A full ReplayGuard is Errc::unavailable (503): the node fails closed.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "base/bytes.hpp"
#include "identity/http_signature.hpp"

namespace pv {
class Node;
}

namespace pv::api {

// Who made a request, as the signature proved it.
struct AuthenticatedSigner {
  std::string keyid;  // the DID URL from the signature: "did:key:z6Mk..." or "did:pv:...#key-2"
  std::string did;    // the DID it belongs to (keyid without the fragment)
};

class RequestAuthenticator {
 public:
  // `read_state` reads the node's current state (Node::read_state). Thread-safe.
  using StateReader = std::function<std::optional<Bytes>(const std::string& key)>;
  RequestAuthenticator(StateReader read_state, std::chrono::seconds max_skew = kDefaultMaxSkew,
                       std::size_t replay_capacity = ReplayGuard::kDefaultCapacity);

  [[nodiscard]] Result<AuthenticatedSigner> authenticate(
      const HttpRequest& request,
      std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

  // Journals every accepted signature in `journal` (and remembers what it kept from before a
  // restart), so that a request cannot be replayed across a restart. `journal` must outlive
  // this object; call before the first request.
  [[nodiscard]] Status persist_replays(ReplayJournal& journal);

  // The Ed25519 key `keyid` names in the current state (the KeyResolver the check uses).
  [[nodiscard]] Result<PublicKey> resolve_key(std::string_view keyid) const;

 private:
  StateReader read_state_;
  std::chrono::seconds max_skew_;
  ReplayGuard replay_guard_;
};

}  // namespace pv::api
