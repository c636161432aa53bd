#pragma once
// OpenSSL plumbing shared by the P-256 sources of this level: the curve, owning pointers, and
// EVP keys built from encoded points and scalars. Not for use outside src/crypto/p256_*.cpp.

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <memory>

#include "base/bytes.hpp"

namespace pv::p256_detail {

struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct BnCtxFree {
  void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};
struct PointFree {
  void operator()(EC_POINT* p) const { EC_POINT_free(p); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
using BnCtxPtr = std::unique_ptr<BN_CTX, BnCtxFree>;
using PointPtr = std::unique_ptr<EC_POINT, PointFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// The curve, built once; safe to share for reading.
const EC_GROUP* p256_group();
// The group order n.
const BIGNUM* p256_order();

// An EVP public key from a SEC1 point already checked by P256PublicKey; null on failure.
PkeyPtr public_pkey(ByteView sec1);

struct Keypair {
  PkeyPtr pkey;
  FixedBytes<65> uncompressed;
};
// The key pair of secret scalar d (big-endian); refuses d = 0 and d ≥ n.
Result<Keypair> keypair_from_scalar(ByteView d);
// Fills d with a uniformly random scalar in [1, n − 1]; false when OpenSSL fails.
bool random_scalar(FixedBytes<32>& d);

}  // namespace pv::p256_detail
