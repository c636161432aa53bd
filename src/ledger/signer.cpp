#include "ledger/signer.hpp"

#include "codec/did_key.hpp"
#include "codec/did_pv.hpp"
#include "ledger/did_pv_rules.hpp"

namespace pv {

Result<PublicKey> resolve_signer_key(const TxRegistry& registry, const StateView& state, const NetworkId& network,
                                     const Transaction& tx) {
  if (const TxTypeRules* rules = registry.find(tx.type); rules && rules->signer_key) {
    auto key = rules->signer_key(network, tx, state);
    if (!key) return make_error(Errc::bad_signature, key.error().message);
    return key;
  }
  return resolve_did_url_key(state, tx.signer);
}

Result<PublicKey> resolve_did_url_key(const StateView& state, std::string_view signer) {
  if (!is_did_pv(signer)) {
    auto key = public_key_from_did_key(signer);
    if (!key) return make_error(Errc::bad_signature, "signer has no verifiable key: " + key.error().message);
    return key;
  }
  auto url = parse_did_pv_url(signer);
  if (!url) return make_error(Errc::bad_signature, url.error().message);
  auto doc = load_did_record(state, url->did);
  if (!doc) return make_error(Errc::bad_signature, doc.error().message);
  if (doc->deactivated) return make_error(Errc::bad_signature, url->did + " is deactivated");
  for (const auto& k : doc->keys)
    if (k.id == url->fragment) return k.key;
  return make_error(Errc::bad_signature, "key #" + url->fragment + " is not an active key of " + url->did);
}

Status verify_signature_in_state(const TxRegistry& registry, const StateView& state, const NetworkId& network,
                                 const Transaction& tx) {
  auto key = resolve_signer_key(registry, state, network, tx);
  if (!key) return key.error();
  return verify_transaction_signature(network, tx, *key);
}

bool signature_is_stateless(const TxTypeRules& rules, const Transaction& tx) {
  return !is_did_pv(tx.signer) && !rules.signer_key;
}

std::string nonce_owner(const std::string& signer) { return std::string(did_without_fragment(signer)); }

}  // namespace pv
