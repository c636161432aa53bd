#pragma once
// Verification of a WebAuthn ES256 assertion (docs/passkeys.md section 2, steps 1–4 and the
// malleability rule): a pure function of its inputs, so every node judges a proof alike. The
// transaction envelope and the ledger's counter state are not here: the caller supplies the
// expected challenge and the stored counter and writes the returned counter.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/bytes.hpp"
#include "crypto/p256_ecdsa.hpp"

namespace pv::webauthn {

// What the authenticator returned for navigator.credentials.get, signature already in r ‖ s.
struct Assertion {
  ByteView authenticator_data;
  ByteView client_data_json;
  P256Signature signature;
};

// The relying party's rules (genesis fields of a network, docs/passkeys.md section 2).
struct RelyingParty {
  std::string_view rp_id;
  std::span<const std::string> origins;
  bool require_user_verification = true;
};

// Verifies `assertion` by `key` for `expected_challenge` (32 bytes: SHA-256 of the signing
// message), in order:
//   1. clientDataJSON (webauthn/client_data.hpp);
//   2. authenticatorData (webauthn/authenticator_data.hpp);
//   3. the signature is low-S (Errc::non_canonical otherwise) and verifies over
//      authenticatorData ‖ SHA-256(clientDataJSON) (Errc::bad_signature);
//   4. the counter: when `stored_counter` or the new one is non-zero, the new one must be
//      greater, else Errc::conflict "authenticator clone suspected: counter N is not above M".
// Returns the new counter (what the caller stores). The error message names what failed.
[[nodiscard]] Result<std::uint32_t> verify_assertion(const Assertion& assertion,
                                                     const P256PublicKey& key,
                                                     ByteView expected_challenge,
                                                     const RelyingParty& rp,
                                                     std::uint32_t stored_counter);

// The bytes an authenticator signs: authenticatorData ‖ SHA-256(clientDataJSON).
Bytes assertion_signed_bytes(ByteView authenticator_data, ByteView client_data_json);

}  // namespace pv::webauthn
