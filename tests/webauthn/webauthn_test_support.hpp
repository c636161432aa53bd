#pragma once
// Helpers for the WebAuthn tests: synthetic assertions signed by our own P256SigningKey, the
// high-S twin of a signature, and a check that a result failed for the stated reason.

#include <gtest/gtest.h>

#include <string>

#include "crypto/p256_ecdsa.hpp"
#include "crypto/sha256.hpp"
#include "webauthn/assertion.hpp"
#include "webauthn/authenticator_data.hpp"

namespace pv::webauthn::testing {

// (r, n − s) by schoolbook subtraction, independent of p256_signature_normalize_s.
inline P256Signature high_s_twin(const P256Signature& sig) {
  auto n = from_hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
  P256Signature out = sig;
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    int d = (*n)[i] - sig.bytes[32 + i] - borrow;
    borrow = d < 0;
    out.bytes[32 + i] = static_cast<std::uint8_t>(d + (borrow ? 256 : 0));
  }
  return out;
}

inline Bytes authenticator_data(std::string_view rp_id, std::uint8_t flags, std::uint32_t counter,
                                const Bytes& extra = {}) {
  const Hash32 h = sha256(as_bytes(rp_id));
  Bytes out(h.bytes.begin(), h.bytes.end());
  out.push_back(flags);
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<std::uint8_t>(counter >> shift));
  out.insert(out.end(), extra.begin(), extra.end());
  return out;
}

// A signed assertion whose parts the test chose.
struct Synthetic {
  Bytes authenticator_data;
  Bytes client_data_json;
  P256Signature signature;
  Assertion view() const { return {authenticator_data, client_data_json, signature}; }
};

inline Synthetic sign_assertion(const P256SigningKey& key, Bytes auth_data,
                                std::string client_data) {
  Synthetic s{std::move(auth_data), to_bytes(client_data), {}};
  s.signature = key.sign(assertion_signed_bytes(s.authenticator_data, s.client_data_json));
  return s;
}

template <class T>
::testing::AssertionResult refused(const Result<T>& r, Errc code, const std::string& words) {
  if (r) return ::testing::AssertionFailure() << "was accepted";
  if (r.error().code != code)
    return ::testing::AssertionFailure()
           << "refused with " << errc_name(r.error().code) << ": " << r.error().message;
  if (r.error().message.find(words) == std::string::npos)
    return ::testing::AssertionFailure()
           << "message \"" << r.error().message << "\" does not say \"" << words << "\"";
  return ::testing::AssertionSuccess() << r.error().message;
}

}  // namespace pv::webauthn::testing
