#pragma once
// AEAD_XChaCha20_Poly1305 (draft-irtf-cfrg-xchacha-03, section 2.3) assembled from two library
// primitives: libsodium's crypto_core_hchacha20 derives the subkey from the key and the first 16
// bytes of the 24-byte nonce; OpenSSL's EVP ChaCha20-Poly1305 (RFC 8439, 96-bit nonce) then
// seals with that subkey and the nonce 00000000 || last 8 bytes of the 24-byte nonce. No part of
// ChaCha20 or Poly1305 is implemented here. Checked against the draft's test vector and, chunk by
// chunk, against libsodium's crypto_aead_xchacha20poly1305_ietf_* (blob_v2_cipher_test.cpp).
//
// One object serves every 24-byte nonce that starts with the same 16 bytes: the subkey is derived
// once. Not thread-safe (it owns one OpenSSL cipher context); key material is wiped on
// destruction.

#include <memory>

#include "base/bytes.hpp"

namespace pv {

inline constexpr std::size_t kXChaChaKeyBytes = 32;
inline constexpr std::size_t kXChaChaNonceBytes = 24;
inline constexpr std::size_t kXChaChaSubkeyNonceBytes = 16;  // the HChaCha20 input
inline constexpr std::size_t kXChaChaNonceTailBytes = 8;     // the rest, per message
inline constexpr std::size_t kPoly1305TagBytes = 16;

using XChaChaNonceTail = FixedBytes<kXChaChaNonceTailBytes>;

class XChaCha20Poly1305 {
 public:
  // `key`: 32 bytes; `nonce_head`: the first 16 bytes of every nonce this object will use.
  [[nodiscard]] static Result<XChaCha20Poly1305> create(ByteView key, ByteView nonce_head);
  ~XChaCha20Poly1305();
  XChaCha20Poly1305(XChaCha20Poly1305&&) noexcept;
  XChaCha20Poly1305& operator=(XChaCha20Poly1305&&) noexcept;

  // Writes plain.size() ciphertext bytes and then the 16-byte tag to `out` (which may equal
  // plain.data()). `plain` is at most 2^31 - 1 bytes.
  void seal(const XChaChaNonceTail& tail, ByteView ad, ByteView plain, std::uint8_t* out);
  // Verifies and decrypts `sealed` (ciphertext || tag) into `out` (sealed.size() - 16 bytes).
  // False, with `out` wiped, when the tag does not verify: no unauthenticated byte is released.
  [[nodiscard]] bool open(const XChaChaNonceTail& tail, ByteView ad, ByteView sealed,
                          std::uint8_t* out);

 private:
  XChaCha20Poly1305() = default;
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace pv
