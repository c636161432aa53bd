// Fuzzes the WebAuthn and P-256 decoders (docs/passkeys.md section 2, docs/encoding.md 2.3.1).
// The first byte picks the decoder (mod 4: authenticatorData, clientDataJSON, a P-256 public key
// or DER signature, a P-256 did:key); the rest is its input. Invariants, for every input:
//  - no decoder crashes; a refusal names what failed;
//  - accepted authenticatorData is 37..1024 bytes, has UP, no AT, no ED and nothing after the
//    head, and its rpIdHash is SHA-256 of the RP ID it was checked against;
//  - accepted clientDataJSON is at most 2048 bytes;
//  - a key decodes only from 33 or 65 bytes, and re-encodes compressed to the same point
//    (a compressed input comes back byte for byte); a DER signature that decodes re-encodes to
//    the same bytes (strict DER has one form);
//  - a P-256 did:key that decodes is re-encoded byte for byte.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "codec/did_key_p256.hpp"
#include "crypto/p256_ecdsa.hpp"
#include "webauthn/authenticator_data.hpp"
#include "webauthn/client_data.hpp"

namespace {

void require(bool ok, const char* invariant) {
  if (ok) return;
  std::fprintf(stderr, "webauthn_fuzz: invariant violated: %s\n", invariant);
  std::abort();
}

template <class T>
bool refused(const T& r) {
  if (r) return false;
  require(!r.error().message.empty(), "a refusal names what failed");
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pv;
  if (size == 0) return 0;
  const ByteView input(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      const bool uv = (data[0] & 0x10) != 0;
      auto head = webauthn::check_assertion_authenticator_data(input, "example.org", uv);
      if (refused(head)) return 0;
      require(input.size() >= webauthn::kAuthenticatorDataMinSize &&
                  input.size() <= webauthn::kAuthenticatorDataMaxSize,
              "accepted authenticatorData is 37..1024 bytes");
      require((head->flags & webauthn::kFlagUserPresent) != 0, "UP set");
      require(!uv || (head->flags & webauthn::kFlagUserVerified) != 0, "UV set when required");
      require((head->flags & (webauthn::kFlagAttestedData | webauthn::kFlagExtensions)) == 0,
              "no AT, no ED");
      require(head->rest.empty(), "nothing after the head");
      require(head->rp_id_hash == sha256(as_bytes(std::string_view("example.org"))),
              "rpIdHash is the RP ID's");
      break;
    }
    case 1: {
      static const Hash32 challenge = sha256(as_bytes(std::string_view("a transaction")));
      static const std::string origins[] = {"https://portal.example.org"};
      auto checked = webauthn::check_assertion_client_data(input, challenge.view(), origins);
      if (refused(checked)) return 0;
      require(input.size() <= webauthn::kClientDataMaxSize, "clientDataJSON bounded");
      break;
    }
    case 2: {
      auto key = P256PublicKey::from_sec1(input);
      if (!refused(key)) {
        require(input.size() == 33 || input.size() == 65, "a key is 33 or 65 bytes");
        if (input.size() == 33)
          require(std::equal(input.begin(), input.end(), key->view().begin()),
                  "a compressed key comes back byte for byte");
      }
      auto sig = p256_signature_from_der(input);
      if (!refused(sig)) {
        const Bytes again = p256_signature_to_der(*sig);
        require(
            again.size() == input.size() && std::equal(again.begin(), again.end(), input.begin()),
            "strict DER re-encodes to the same bytes");
      }
      break;
    }
    default: {
      const std::string did(reinterpret_cast<const char*>(input.data()), input.size());
      auto key = p256_from_did_key(did);
      if (refused(key)) return 0;
      require(did_key_from_p256(*key) == did, "a P-256 did:key re-encodes byte for byte");
      break;
    }
  }
  return 0;
}
