// The OpenSSL objects behind zk/p256.hpp (zk/p256_context.hpp).
#include "zk/p256_context.hpp"

#include <openssl/obj_mac.h>

#include <cstdlib>

namespace pv::zk {

const EC_GROUP* p256_group() {
  static const EC_GROUP* group = [] {
    EC_GROUP* g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    if (g == nullptr) std::abort();
    return g;
  }();
  return group;
}

const BIGNUM* p256_order() {
  return EC_GROUP_get0_order(p256_group());
}

BN_CTX* bn_ctx() {
  struct Holder {
    BN_CTX* ctx = BN_CTX_new();
    ~Holder() { BN_CTX_free(ctx); }
  };
  thread_local Holder holder;
  if (holder.ctx == nullptr) std::abort();
  return holder.ctx;
}

}  // namespace pv::zk
