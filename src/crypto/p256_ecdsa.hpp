#pragma once
// ES256: ECDSA on NIST P-256 over SHA-256, from OpenSSL 3 (docs/passkeys.md section 1).
// Signatures travel as raw r ‖ s (64 bytes, each half big-endian); the ledger accepts only the
// low-S form (s ≤ n/2), because (r, s) and (r, n − s) both verify and a transaction id hashes
// the signature.

#include <memory>

#include "base/bytes.hpp"

namespace pv {

// SEC1 sizes of a P-256 point.
inline constexpr std::size_t kP256CompressedSize = 33;    // 0x02|0x03 ‖ x
inline constexpr std::size_t kP256UncompressedSize = 65;  // 0x04 ‖ x ‖ y
inline constexpr std::size_t kP256ScalarSize = 32;

// r ‖ s, each 32 bytes big-endian (IEEE P1363 form, WebCrypto's and JOSE's ES256 form).
using P256Signature = FixedBytes<64>;

// A P-256 public key: always a point on the curve other than the identity, held in its
// 33-byte SEC1 compressed form. Only the decoders below make one.
class P256PublicKey {
 public:
  // Strict: exactly 33 bytes, prefix 0x02 or 0x03, x below the field prime, on the curve.
  [[nodiscard]] static Result<P256PublicKey> from_compressed(ByteView sec1);
  // Strict: exactly 65 bytes, prefix 0x04, x and y below the field prime, on the curve (for
  // keys imported from WebAuthn COSE keys or SPKI). Stored compressed.
  [[nodiscard]] static Result<P256PublicKey> from_uncompressed(ByteView sec1);
  // Either of the two forms above, told apart by length (hybrid 0x06/0x07 forms are refused).
  [[nodiscard]] static Result<P256PublicKey> from_sec1(ByteView sec1);

  const FixedBytes<kP256CompressedSize>& compressed() const { return compressed_; }
  ByteView view() const { return compressed_.view(); }
  friend bool operator==(const P256PublicKey&, const P256PublicKey&) = default;

 private:
  P256PublicKey() = default;
  FixedBytes<kP256CompressedSize> compressed_;
};

// True only when `sig` (r ‖ s) is a valid ECDSA P-256 signature by `key` over SHA-256(message):
// 0 < r, s < n. High-S signatures verify here (they are valid ECDSA); callers that need the
// canonical form also check p256_signature_is_low_s.
[[nodiscard]] bool es256_verify(const P256PublicKey& key, ByteView message,
                                const P256Signature& sig);

// True when s ≤ n/2 (the canonical half). Says nothing about whether the signature verifies.
[[nodiscard]] bool p256_signature_is_low_s(const P256Signature& sig);
// The same signature with s replaced by n − s when s > n/2; unchanged otherwise. It verifies
// exactly when the input does. s must be in [1, n − 1] for a meaningful result (0 and values
// ≥ n are returned unchanged: they never verify).
P256Signature p256_signature_normalize_s(const P256Signature& sig);

// DER (X.509/WebAuthn form: SEQUENCE { INTEGER r, INTEGER s }) to raw r ‖ s. Strict DER:
// definite short-form lengths, minimal non-negative integers of at most 33 bytes whose value
// fits in 32, no trailing bytes. Errc::malformed otherwise; a zero r or s decodes (it then
// fails verification).
[[nodiscard]] Result<P256Signature> p256_signature_from_der(ByteView der);
// Raw r ‖ s to minimal DER.
Bytes p256_signature_to_der(const P256Signature& sig);

// A P-256 signing key held by OpenSSL, for tests, tools and `pv` (software keys; token keys
// sign through PKCS#11). Signatures come out low-S.
class P256SigningKey {
 public:
  static P256SigningKey generate();
  // The secret scalar d, 32 bytes big-endian, 1 ≤ d < n.
  [[nodiscard]] static Result<P256SigningKey> from_scalar(const FixedBytes<kP256ScalarSize>& d);
  ~P256SigningKey();
  P256SigningKey(P256SigningKey&&) noexcept;
  P256SigningKey& operator=(P256SigningKey&&) noexcept;
  P256SigningKey(const P256SigningKey&) = delete;
  P256SigningKey& operator=(const P256SigningKey&) = delete;

  const P256PublicKey& public_key() const { return public_key_; }
  // ECDSA over SHA-256(message), randomized nonce from OpenSSL, normalised to low S.
  P256Signature sign(ByteView message) const;

 private:
  struct Impl;
  P256SigningKey(std::unique_ptr<Impl> impl, P256PublicKey pub);
  std::unique_ptr<Impl> impl_;
  P256PublicKey public_key_;
};

}  // namespace pv
