#include "crypto/p256_ecdsa.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include <cstdlib>

#include "crypto/p256_openssl.hpp"

namespace pv {

using namespace p256_detail;

namespace {

// Decodes a SEC1 point of the given form and checks that re-encoding gives the same bytes, so
// only one spelling of each key is accepted (OpenSSL also refuses x, y ≥ p and off-curve points).
Result<FixedBytes<kP256CompressedSize>> decode_point(ByteView sec1, point_conversion_form_t form) {
  BnCtxPtr ctx(BN_CTX_new());
  PointPtr point(EC_POINT_new(p256_group()));
  if (!ctx || !point) return make_error(Errc::internal, "OpenSSL could not allocate a point");
  if (EC_POINT_oct2point(p256_group(), point.get(), sec1.data(), sec1.size(), ctx.get()) != 1)
    return make_error(Errc::malformed, "P-256 public key is not a point on the curve");
  if (EC_POINT_is_at_infinity(p256_group(), point.get()) == 1)
    return make_error(Errc::malformed, "P-256 public key is the identity");
  std::uint8_t again[kP256UncompressedSize];
  std::size_t n =
      EC_POINT_point2oct(p256_group(), point.get(), form, again, sizeof again, ctx.get());
  if (n != sec1.size() || !std::equal(sec1.begin(), sec1.end(), again))
    return make_error(Errc::non_canonical, "P-256 public key is not in canonical SEC1 form");
  FixedBytes<kP256CompressedSize> out;
  if (EC_POINT_point2oct(p256_group(), point.get(), POINT_CONVERSION_COMPRESSED, out.data(),
                         out.size(), ctx.get()) != out.size())
    return make_error(Errc::internal, "OpenSSL could not compress a point");
  return out;
}

}  // namespace

Result<P256PublicKey> P256PublicKey::from_compressed(ByteView sec1) {
  if (sec1.size() != kP256CompressedSize || (sec1[0] != 0x02 && sec1[0] != 0x03))
    return make_error(Errc::malformed,
                      "P-256 compressed key must be 33 bytes starting 0x02 or 0x03");
  auto point = decode_point(sec1, POINT_CONVERSION_COMPRESSED);
  if (!point) return point.error();
  P256PublicKey key;
  key.compressed_ = *point;
  return key;
}

Result<P256PublicKey> P256PublicKey::from_uncompressed(ByteView sec1) {
  if (sec1.size() != kP256UncompressedSize || sec1[0] != 0x04)
    return make_error(Errc::malformed, "P-256 uncompressed key must be 65 bytes starting 0x04");
  auto point = decode_point(sec1, POINT_CONVERSION_UNCOMPRESSED);
  if (!point) return point.error();
  P256PublicKey key;
  key.compressed_ = *point;
  return key;
}

Result<P256PublicKey> P256PublicKey::from_sec1(ByteView sec1) {
  if (sec1.size() == kP256CompressedSize) return from_compressed(sec1);
  if (sec1.size() == kP256UncompressedSize) return from_uncompressed(sec1);
  return make_error(Errc::malformed, "P-256 public key must be 33 or 65 bytes (SEC1), got " +
                                         std::to_string(sec1.size()));
}

bool es256_verify(const P256PublicKey& key, ByteView message, const P256Signature& sig) {
  PkeyPtr pkey = public_pkey(key.view());
  if (!pkey) return false;
  const Bytes der = p256_signature_to_der(sig);
  MdCtxPtr md(EVP_MD_CTX_new());
  if (!md || EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, pkey.get()) != 1)
    return false;
  // 1 is valid; 0 is a bad signature and negative values are errors (r or s out of range
  // included): only 1 is accepted.
  return EVP_DigestVerify(md.get(), der.data(), der.size(), message.data(), message.size()) == 1;
}

struct P256SigningKey::Impl {
  PkeyPtr pkey;
};

P256SigningKey::P256SigningKey(std::unique_ptr<Impl> impl, P256PublicKey pub)
    : impl_(std::move(impl)), public_key_(pub) {}
P256SigningKey::~P256SigningKey() = default;
P256SigningKey::P256SigningKey(P256SigningKey&&) noexcept = default;
P256SigningKey& P256SigningKey::operator=(P256SigningKey&&) noexcept = default;

P256SigningKey P256SigningKey::generate() {
  for (;;) {
    FixedBytes<kP256ScalarSize> d;
    if (!random_scalar(d)) continue;
    auto key = from_scalar(d);
    if (key) return std::move(key).value();
  }
}

Result<P256SigningKey> P256SigningKey::from_scalar(const FixedBytes<kP256ScalarSize>& d) {
  auto made = keypair_from_scalar(d.view());
  if (!made) return made.error();
  auto pub = P256PublicKey::from_uncompressed(made->uncompressed.view());
  if (!pub) return make_error(Errc::internal, "derived P-256 public key did not decode");
  auto impl = std::make_unique<Impl>();
  impl->pkey = std::move(made->pkey);
  return P256SigningKey(std::move(impl), *pub);
}

P256Signature P256SigningKey::sign(ByteView message) const {
  for (int attempt = 0; attempt < 3; ++attempt) {
    MdCtxPtr md(EVP_MD_CTX_new());
    std::uint8_t der[80];
    std::size_t der_len = sizeof der;
    if (md &&
        EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, impl_->pkey.get()) == 1 &&
        EVP_DigestSign(md.get(), der, &der_len, message.data(), message.size()) == 1) {
      auto raw = p256_signature_from_der(ByteView(der, der_len));
      if (raw) return p256_signature_normalize_s(*raw);
    }
  }
  // Invariant: OpenSSL signs with a valid key unless memory runs out.
  std::abort();
}

}  // namespace pv
