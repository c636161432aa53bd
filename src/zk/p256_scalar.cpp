// Scalars mod the P-256 group order (zk/p256.hpp), on OpenSSL's BIGNUM.
#include <openssl/bn.h>
#include <openssl/crypto.h>

#include <cstdlib>

#include "crypto/ed25519.hpp"
#include "zk/p256.hpp"
#include "zk/p256_context.hpp"

namespace pv::zk {

namespace {

void check(int ok) {
  if (ok != 1) std::abort();  // allocation failure or a bug: never input-dependent
}

// Montgomery arithmetic modulo the group order: a product is two Montgomery multiplications
// (a·b·R^-1, then ·R²·R^-1) instead of a multiplication and a long division, about 2.5 times
// faster with OpenSSL 3.0 here (docs/zk.md section 1).
const BN_MONT_CTX* order_mont() {
  static const BN_MONT_CTX* mont = [] {
    BN_MONT_CTX* m = BN_MONT_CTX_new();
    if (m == nullptr) std::abort();
    check(BN_MONT_CTX_set(m, p256_order(), bn_ctx()));
    return m;
  }();
  return mont;
}

// r = a·b mod n, for a, b in [0, n).
void mul_mod_order(BIGNUM* r, const BIGNUM* a, const BIGNUM* b) {
  BN_MONT_CTX* mont = const_cast<BN_MONT_CTX*>(order_mont());  // read-only after set-up
  check(BN_mod_mul_montgomery(r, a, b, mont, bn_ctx()));
  check(BN_to_montgomery(r, r, mont, bn_ctx()));
}

}  // namespace

// ---- Scalar -------------------------------------------------------------------------------

void Scalar::Free::operator()(bignum_st* b) const {
  BN_clear_free(b);
}

Scalar::Scalar() : bn_(BN_new()) {
  if (!bn_) std::abort();
}
Scalar::Scalar(const Scalar& other) : bn_(BN_dup(other.bn_.get())) {
  if (!bn_) std::abort();
}
Scalar& Scalar::operator=(const Scalar& other) {
  if (this != &other) check(BN_copy(bn_.get(), other.bn_.get()) != nullptr);
  return *this;
}
Scalar::~Scalar() = default;

Scalar Scalar::from_u64(std::uint64_t v) {
  Scalar s;
  check(BN_set_word(s.bn_.get(), v));
  return s;  // < 2^64 < n
}

Scalar Scalar::from_i64(std::int64_t v) {
  if (v >= 0) return from_u64(static_cast<std::uint64_t>(v));
  // -v as unsigned is exact also for INT64_MIN.
  return -from_u64(0 - static_cast<std::uint64_t>(v));
}

Result<Scalar> Scalar::decode(ByteView bytes) {
  if (bytes.size() != kScalarBytes)
    return make_error(Errc::malformed, "a scalar is 32 bytes, got " + std::to_string(bytes.size()));
  Scalar s;
  check(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), s.bn_.get()) != nullptr);
  if (BN_cmp(s.bn_.get(), p256_order()) >= 0)
    return make_error(Errc::non_canonical, "scalar is not below the group order");
  return s;
}

Scalar Scalar::from_le_bytes_mod_order(ByteView bytes) {
  Scalar s;
  check(BN_lebin2bn(bytes.data(), static_cast<int>(bytes.size()), s.bn_.get()) != nullptr);
  check(BN_nnmod(s.bn_.get(), s.bn_.get(), p256_order(), bn_ctx()));
  return s;
}

Scalar Scalar::random() {
  std::uint8_t wide[48];
  random_bytes(wide, sizeof wide);
  Scalar s = from_le_bytes_mod_order({wide, sizeof wide});
  OPENSSL_cleanse(wide, sizeof wide);
  return s;
}

ScalarBytes Scalar::encode() const {
  ScalarBytes out;
  check(BN_bn2binpad(bn_.get(), out.data(), kScalarBytes) == kScalarBytes ? 1 : 0);
  return out;
}

bool Scalar::is_zero() const {
  return BN_is_zero(bn_.get());
}
bool Scalar::bit(int i) const {
  return BN_is_bit_set(bn_.get(), i) == 1;
}
bool Scalar::fits_bits(int bits) const {
  return BN_num_bits(bn_.get()) <= bits;
}

Scalar Scalar::operator+(const Scalar& o) const {
  Scalar r;
  check(BN_mod_add_quick(r.bn_.get(), bn_.get(), o.bn_.get(), p256_order()));
  return r;
}
Scalar Scalar::operator-(const Scalar& o) const {
  Scalar r;
  check(BN_mod_sub_quick(r.bn_.get(), bn_.get(), o.bn_.get(), p256_order()));
  return r;
}
Scalar Scalar::operator*(const Scalar& o) const {
  Scalar r;
  mul_mod_order(r.bn_.get(), bn_.get(), o.bn_.get());
  return r;
}
Scalar& Scalar::operator+=(const Scalar& o) {
  check(BN_mod_add_quick(bn_.get(), bn_.get(), o.bn_.get(), p256_order()));
  return *this;
}
Scalar& Scalar::operator-=(const Scalar& o) {
  check(BN_mod_sub_quick(bn_.get(), bn_.get(), o.bn_.get(), p256_order()));
  return *this;
}
Scalar& Scalar::operator*=(const Scalar& o) {
  mul_mod_order(bn_.get(), bn_.get(), o.bn_.get());
  return *this;
}

Scalar Scalar::operator-() const {
  return Scalar() - *this;
}

// Fermat: s^(n-2) mod n, with one cached Montgomery context (constant time; about twice as fast
// as BN_mod_inverse here).
Scalar Scalar::inverse() const {
  if (is_zero()) std::abort();  // REQUIRES violated: a bug, never input (callers check)
  static const BIGNUM* n_minus_2 = [] {
    BIGNUM* e = BN_dup(p256_order());
    if (e == nullptr) std::abort();
    check(BN_sub_word(e, 2));
    return e;
  }();
  Scalar r;
  check(BN_mod_exp_mont_consttime(r.bn_.get(), bn_.get(), n_minus_2, p256_order(), bn_ctx(),
                                  const_cast<BN_MONT_CTX*>(order_mont())));
  return r;
}

bool operator==(const Scalar& a, const Scalar& b) {
  return BN_cmp(a.bn_.get(), b.bn_.get()) == 0;
}

void batch_invert(std::span<Scalar> scalars) {
  if (scalars.empty()) return;
  std::vector<Scalar> prefix;  // prefix[i] = s_0 · … · s_i
  prefix.reserve(scalars.size());
  prefix.push_back(scalars[0]);
  for (std::size_t i = 1; i < scalars.size(); ++i) prefix.push_back(prefix.back() * scalars[i]);
  Scalar inv = prefix.back().inverse();
  for (std::size_t i = scalars.size(); i-- > 1;) {
    const Scalar next = inv * scalars[i];  // 1 / (s_0 · … · s_{i-1})
    scalars[i] = inv * prefix[i - 1];
    inv = next;
  }
  scalars[0] = inv;
}

Scalar inner_product(std::span<const Scalar> a, std::span<const Scalar> b) {
  if (a.size() != b.size()) std::abort();
  Scalar acc;
  for (std::size_t i = 0; i < a.size(); ++i) acc += a[i] * b[i];
  return acc;
}

ScalarBytes group_order() {
  ScalarBytes out;
  check(BN_bn2binpad(p256_order(), out.data(), kScalarBytes) == kScalarBytes ? 1 : 0);
  return out;
}

}  // namespace pv::zk
