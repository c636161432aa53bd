#include "crypto/p256_openssl.hpp"

#include <openssl/core_names.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/params.h>

namespace pv::p256_detail {
namespace {

struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamsFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};

constexpr char kGroupName[] = "prime256v1";

// EVP_PKEY_fromdata for an EC key with the given parameters already in `bld`.
PkeyPtr pkey_from(OSSL_PARAM_BLD* bld, int selection) {
  if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, kGroupName, 0) != 1)
    return nullptr;
  std::unique_ptr<OSSL_PARAM, ParamsFree> params(OSSL_PARAM_BLD_to_param(bld));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) return nullptr;
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, selection, params.get()) != 1) return nullptr;
  return PkeyPtr(raw);
}

}  // namespace

const EC_GROUP* p256_group() {
  static const EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  return group;
}

const BIGNUM* p256_order() {
  return EC_GROUP_get0_order(p256_group());
}

PkeyPtr public_pkey(ByteView sec1) {
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, sec1.data(),
                                               sec1.size()) != 1)
    return nullptr;
  return pkey_from(bld.get(), EVP_PKEY_PUBLIC_KEY);
}

Result<Keypair> keypair_from_scalar(ByteView d) {
  BnPtr scalar(BN_bin2bn(d.data(), static_cast<int>(d.size()), nullptr));
  BnCtxPtr ctx(BN_CTX_new());
  PointPtr point(EC_POINT_new(p256_group()));
  if (!scalar || !ctx || !point) return make_error(Errc::internal, "OpenSSL allocation failed");
  if (BN_is_zero(scalar.get()) || BN_cmp(scalar.get(), p256_order()) >= 0)
    return make_error(Errc::invalid_argument, "P-256 secret scalar must be in [1, n - 1]");
  if (EC_POINT_mul(p256_group(), point.get(), scalar.get(), nullptr, nullptr, ctx.get()) != 1)
    return make_error(Errc::internal, "OpenSSL could not derive the public key");
  Keypair out;
  if (EC_POINT_point2oct(p256_group(), point.get(), POINT_CONVERSION_UNCOMPRESSED,
                         out.uncompressed.data(), out.uncompressed.size(),
                         ctx.get()) != out.uncompressed.size())
    return make_error(Errc::internal, "OpenSSL could not encode the public key");
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, out.uncompressed.data(),
                                       out.uncompressed.size()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, scalar.get()) != 1)
    return make_error(Errc::internal, "OpenSSL could not hold the key parameters");
  out.pkey = pkey_from(bld.get(), EVP_PKEY_KEYPAIR);
  BN_clear(scalar.get());
  if (!out.pkey) return make_error(Errc::internal, "OpenSSL could not build the P-256 key");
  return out;
}

bool random_scalar(FixedBytes<32>& d) {
  BnPtr v(BN_new());
  if (!v || BN_priv_rand_range(v.get(), p256_order()) != 1) return false;
  if (BN_is_zero(v.get())) return false;
  const bool ok = BN_bn2binpad(v.get(), d.data(), 32) == 32;
  BN_clear(v.get());
  return ok;
}

}  // namespace pv::p256_detail
