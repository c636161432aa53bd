#pragma once
// Internal to src/zk: the OpenSSL objects behind zk/p256.hpp, for the few files that need
// field arithmetic (hash-to-curve). Not for use outside the zk level.

#include <openssl/bn.h>
#include <openssl/ec.h>

namespace pv::zk {

// The P-256 group (EC_GROUP for NID_X9_62_prime256v1), created once, read-only afterwards.
const EC_GROUP* p256_group();
// Its order n.
const BIGNUM* p256_order();
// A BN_CTX private to the calling thread.
BN_CTX* bn_ctx();

}  // namespace pv::zk
