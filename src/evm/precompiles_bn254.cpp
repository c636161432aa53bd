// 0x06 and 0x07: addition and scalar multiplication on the bn254 (alt_bn128) curve
// y^2 = x^3 + 3 (EIP-196, gas per EIP-1108), with OpenSSL's prime-field curve arithmetic.
// The pairing check (0x08) is not built.

#include <openssl/bn.h>
#include <openssl/ec.h>

#include <cstring>
#include <memory>

#include "evm/precompiles_internal.hpp"

namespace pv::evm {

namespace {

// Field prime and group order of bn254, and its generator (1, 2).
constexpr const char* field_prime =
    "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47";
constexpr const char* group_order =
    "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001";

struct BnDeleter {
  void operator()(BIGNUM* b) const { BN_free(b); }
  void operator()(BN_CTX* c) const { BN_CTX_free(c); }
  void operator()(EC_GROUP* g) const { EC_GROUP_free(g); }
  void operator()(EC_POINT* p) const { EC_POINT_free(p); }
};
template <class T>
using Owned = std::unique_ptr<T, BnDeleter>;

BIGNUM* hex_bn(const char* hex) {
  BIGNUM* b = nullptr;
  BN_hex2bn(&b, hex);
  return b;
}

// The curve, built once; EC_GROUP is safe to share for reading.
const EC_GROUP* bn254() {
  static const EC_GROUP* group = [] {
    Owned<BN_CTX> ctx(BN_CTX_new());
    Owned<BIGNUM> p(hex_bn(field_prime)), a(BN_new()), b(BN_new()), n(hex_bn(group_order));
    BN_zero(a.get());
    BN_set_word(b.get(), 3);
    EC_GROUP* g = EC_GROUP_new_curve_GFp(p.get(), a.get(), b.get(), ctx.get());
    Owned<EC_POINT> gen(EC_POINT_new(g));
    Owned<BIGNUM> x(BN_new()), y(BN_new());
    BN_set_word(x.get(), 1);
    BN_set_word(y.get(), 2);
    EC_POINT_set_affine_coordinates(g, gen.get(), x.get(), y.get(), ctx.get());
    EC_GROUP_set_generator(g, gen.get(), n.get(), BN_value_one());
    return g;
  }();
  return group;
}

// Reads the point at in[0..64): (0, 0) is the point at infinity; otherwise both coordinates must
// be below the field prime and the point on the curve.
bool read_point(const std::uint8_t* in, EC_POINT* out, BN_CTX* ctx) {
  static const std::uint8_t zeros[64] = {};
  if (std::memcmp(in, zeros, 64) == 0) return EC_POINT_set_to_infinity(bn254(), out) == 1;
  Owned<BIGNUM> x(BN_bin2bn(in, 32, nullptr)), y(BN_bin2bn(in + 32, 32, nullptr));
  Owned<BIGNUM> p(hex_bn(field_prime));
  if (!x || !y || BN_cmp(x.get(), p.get()) >= 0 || BN_cmp(y.get(), p.get()) >= 0) return false;
  if (EC_POINT_set_affine_coordinates(bn254(), out, x.get(), y.get(), ctx) != 1) return false;
  return EC_POINT_is_on_curve(bn254(), out, ctx) == 1;
}

bool write_point(const EC_POINT* point, Bytes& out, BN_CTX* ctx) {
  out.assign(64, 0);
  if (EC_POINT_is_at_infinity(bn254(), point)) return true;
  Owned<BIGNUM> x(BN_new()), y(BN_new());
  return EC_POINT_get_affine_coordinates(bn254(), point, x.get(), y.get(), ctx) == 1 &&
         BN_bn2binpad(x.get(), out.data(), 32) == 32 &&
         BN_bn2binpad(y.get(), out.data() + 32, 32) == 32;
}

CallResult failure() { return {Status::precompile_failure, 0, {}, {}}; }

}  // namespace

CallResult bn254_add(ByteView input, std::int64_t gas) {
  constexpr std::int64_t cost = 150;
  if (cost > gas) return {Status::out_of_gas, 0, {}, {}};
  const Bytes in = padded_input(input, 0, 128);
  Owned<BN_CTX> ctx(BN_CTX_new());
  Owned<EC_POINT> a(EC_POINT_new(bn254())), b(EC_POINT_new(bn254())), r(EC_POINT_new(bn254()));
  if (!ctx || !a || !b || !r || !read_point(in.data(), a.get(), ctx.get()) ||
      !read_point(in.data() + 64, b.get(), ctx.get()))
    return failure();
  Bytes out;
  if (EC_POINT_add(bn254(), r.get(), a.get(), b.get(), ctx.get()) != 1 ||
      !write_point(r.get(), out, ctx.get()))
    return failure();
  return {Status::success, gas - cost, std::move(out), {}};
}

CallResult bn254_mul(ByteView input, std::int64_t gas) {
  constexpr std::int64_t cost = 6000;
  if (cost > gas) return {Status::out_of_gas, 0, {}, {}};
  const Bytes in = padded_input(input, 0, 96);
  Owned<BN_CTX> ctx(BN_CTX_new());
  Owned<EC_POINT> a(EC_POINT_new(bn254())), r(EC_POINT_new(bn254()));
  if (!ctx || !a || !r || !read_point(in.data(), a.get(), ctx.get())) return failure();
  // Every point of the curve has the group's prime order (cofactor 1): the scalar may be reduced.
  Owned<BIGNUM> k(BN_bin2bn(in.data() + 64, 32, nullptr)), n(hex_bn(group_order));
  if (!k || !n || BN_nnmod(k.get(), k.get(), n.get(), ctx.get()) != 1) return failure();
  Bytes out;
  if (EC_POINT_mul(bn254(), r.get(), nullptr, a.get(), k.get(), ctx.get()) != 1 ||
      !write_point(r.get(), out, ctx.get()))
    return failure();
  return {Status::success, gas - cost, std::move(out), {}};
}

}  // namespace pv::evm
