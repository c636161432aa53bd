#include "identity/did_key_document.hpp"

#include <sodium.h>

#include "codec/did_key.hpp"

namespace pv {

Result<X25519PublicKey> x25519_from_ed25519(const PublicKey& key) {
  crypto_init();
  X25519PublicKey out;
  if (crypto_sign_ed25519_pk_to_curve25519(out.data(), key.data()) != 0)
    return make_error(Errc::malformed, "Ed25519 key has no X25519 counterpart (not a valid point)");
  return out;
}

std::string x25519_multibase(const X25519PublicKey& key) {
  Bytes raw = {0xec, 0x01};
  raw.insert(raw.end(), key.bytes.begin(), key.bytes.end());
  return "z" + base58btc_encode(raw);
}

Result<nlohmann::json> did_key_document(std::string_view did) {
  auto ed = public_key_from_did_key(did);
  if (!ed) return ed.error();
  auto x = x25519_from_ed25519(*ed);
  if (!x) return x.error();
  const std::string id(did);
  const std::string ed_fingerprint = id.substr(std::string_view("did:key:").size());
  const std::string ed_id = id + "#" + ed_fingerprint;
  const std::string x_fingerprint = x25519_multibase(*x);
  nlohmann::json doc;
  doc["@context"] = {"https://www.w3.org/ns/did/v1",
                     "https://w3id.org/security/suites/ed25519-2020/v1",
                     "https://w3id.org/security/suites/x25519-2020/v1"};
  doc["id"] = id;
  doc["verificationMethod"] = nlohmann::json::array({{{"id", ed_id},
                                                      {"type", "Ed25519VerificationKey2020"},
                                                      {"controller", id},
                                                      {"publicKeyMultibase", ed_fingerprint}}});
  for (const char* relation :
       {"authentication", "assertionMethod", "capabilityDelegation", "capabilityInvocation"})
    doc[relation] = nlohmann::json::array({ed_id});
  doc["keyAgreement"] = nlohmann::json::array({{{"id", id + "#" + x_fingerprint},
                                                {"type", "X25519KeyAgreementKey2020"},
                                                {"controller", id},
                                                {"publicKeyMultibase", x_fingerprint}}});
  return doc;
}

}  // namespace pv
