#include "api/request_auth.hpp"

#include "codec/did_pv.hpp"
#include "ledger/did_pv_rules.hpp"

namespace pv::api {

RequestAuthenticator::RequestAuthenticator(StateReader read_state, std::chrono::seconds max_skew,
                                           std::size_t replay_capacity)
    : read_state_(std::move(read_state)), max_skew_(max_skew), replay_guard_(replay_capacity) {}

Result<PublicKey> RequestAuthenticator::resolve_key(std::string_view keyid) const {
  if (keyid.rfind("did:key:", 0) == 0) return resolve_did_key(keyid);
  if (keyid.rfind("did:pv:", 0) != 0)
    return make_error(Errc::not_found, "keyid must be a did:key or a did:pv key URL");
  auto url = parse_did_pv_url(keyid);
  if (!url)
    return make_error(Errc::not_found, "keyid is not a did:pv key URL: " + url.error().message);
  if (url->fragment.empty())
    return make_error(Errc::not_found,
                      "a did:pv keyid must name one key, e.g. " + url->did + "#key-1");
  auto bytes = read_state_(did_state_key(url->did));
  if (!bytes) return make_error(Errc::not_found, url->did + " is not known to this node");
  auto record = decode_did_record(*bytes);
  if (!record)
    return make_error(Errc::corruption, "the stored document of " + url->did + " does not decode");
  if (record->deactivated) return make_error(Errc::not_found, url->did + " is deactivated");
  for (const auto& k : record->keys)
    if (k.id == url->fragment) return k.key;
  return make_error(Errc::not_found, "#" + url->fragment + " is not an active key of " + url->did +
                                         " (rotated out or removed)");
}

Status RequestAuthenticator::persist_replays(ReplayJournal& journal) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return replay_guard_.attach(journal, now);
}

Result<AuthenticatedSigner> RequestAuthenticator::authenticate(
    const HttpRequest& request, std::chrono::system_clock::time_point now) {
  auto resolver = [this](std::string_view keyid) { return resolve_key(keyid); };
  auto keyid = verify_request(request, resolver, now, replay_guard_, max_skew_);
  if (!keyid) {
    if (keyid.error().code == Errc::unauthorized)
      return make_error(Errc::unauthorized, "request signature refused: " + keyid.error().message +
                                                " (docs/request-signatures.md)");
    return keyid.error();
  }
  AuthenticatedSigner signer;
  signer.did = std::string(did_without_fragment(*keyid));
  signer.keyid = std::move(*keyid);
  return signer;
}

}  // namespace pv::api
