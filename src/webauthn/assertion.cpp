#include "webauthn/assertion.hpp"

#include "crypto/sha256.hpp"
#include "webauthn/authenticator_data.hpp"
#include "webauthn/client_data.hpp"

namespace pv::webauthn {

Bytes assertion_signed_bytes(ByteView authenticator_data, ByteView client_data_json) {
  Bytes out(authenticator_data.begin(), authenticator_data.end());
  const Hash32 cd_hash = sha256(client_data_json);
  out.insert(out.end(), cd_hash.bytes.begin(), cd_hash.bytes.end());
  return out;
}

Result<std::uint32_t> verify_assertion(const Assertion& assertion, const P256PublicKey& key,
                                       ByteView expected_challenge, const RelyingParty& rp,
                                       std::uint32_t stored_counter) {
  if (expected_challenge.size() != 32)
    return make_error(Errc::invalid_argument, "the expected challenge must be 32 bytes");
  PV_TRY(check_assertion_client_data(assertion.client_data_json, expected_challenge, rp.origins));
  auto head = check_assertion_authenticator_data(assertion.authenticator_data, rp.rp_id,
                                                 rp.require_user_verification);
  if (!head) return head.error();

  if (!p256_signature_is_low_s(assertion.signature))
    return make_error(Errc::non_canonical,
                      "signature is not canonical: s is above n/2 (use n - s)");
  const Bytes signed_bytes =
      assertion_signed_bytes(assertion.authenticator_data, assertion.client_data_json);
  if (!es256_verify(key, signed_bytes, assertion.signature))
    return make_error(Errc::bad_signature,
                      "signature does not verify over authenticatorData and the clientDataJSON "
                      "hash with the credential's key");

  const std::uint32_t counter = head->sign_count;
  if ((stored_counter != 0 || counter != 0) && counter <= stored_counter)
    return make_error(Errc::conflict, "authenticator clone suspected: counter " +
                                          std::to_string(counter) + " is not above " +
                                          std::to_string(stored_counter));
  return counter;
}

}  // namespace pv::webauthn
