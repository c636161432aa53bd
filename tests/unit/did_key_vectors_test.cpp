// The W3C CCG did:key specification's published Ed25519/X25519 test vectors
// (w3c-ccg/did-method-key, test-vectors/ed25519-x25519.json): from each seed, the did:key, the
// derived X25519 key-agreement key's id (multibase z6LS...) and public key (base58), and its
// private key (base58), as the spec publishes them.

#include <gtest/gtest.h>

#include "codec/did_key.hpp"
#include "identity/did_key_document.hpp"
#include "identity/key_wrap.hpp"

namespace pv {
namespace {

struct SpecVector {
  std::uint8_t seed_last_byte;  // the seeds are 31 zero bytes and then 0..4
  const char* did;
  const char* x25519_multibase;
  const char* x25519_public_base58;
  const char* x25519_private_base58;
};

constexpr SpecVector kVectors[] = {
    {0, "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
     "z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW",
     "7By6kV2t2d188odEM4ExAve1UithKT6dLva4dwsDT3ak",
     "6QN8DfuN9hjgHgPvLXqgzqYE3jRRGRrmJQZkd5tL8paR"},
    {1, "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG",
     "z6LSrHyXiPBhUbvPUtyUCdf32sniiMGPTAesgHrtEa4FePtr",
     "FcoNC5NqP9CePWbhfz95iHaEsCjGkZUioK9Ck7Qiw286",
     "HBTcN2MrXNRj9xF9oi8QqYyuEPv3JLLjQKuEgW9oxVKP"},
    {2, "did:key:z6MknGc3ocHs3zdPiJbnaaqDi58NGb4pk1Sp9WxWufuXSdxf",
     "z6LSkkqoZRC34AEpbkhZCqLDcHQVAxuLpQ7kC8XCXMVUfvjE",
     "A5fe37PAxhX5WNKngBpGHhC1KpNE7nwbK9oX2tqwxYxU",
     "ACa4PPJ1LnPNq1iwS33V3Akh7WtnC71WkKFZ9ccM6sX2"},
    {3, "did:key:z6MkvqoYXQfDDJRv8L4wKzxYeuKyVZBfi9Qo6Ro8MiLH3kDQ",
     "z6LSiUo6AEDat8Ze4nQzDo67SGuHLLwsUGkxndHGUjsywHow",
     "7ocvdvQinfqtyQ3Dh9aA7ggoVCQkmfaoueZazHETDv3B",
     "FZrzd1osCnbK6y6MJzMBW1RcVfL524sNKhSbqRwMuwHT"},
    {4, "did:key:z6MkwW6aqMnjgrhJXFUko3NnZPGzVpkNzhYK7yEhnsibmLwL",
     "z6LSrGb3qm4xMCEBjvwkLb2WEcXfTM94Tu1RyGCbT5wbg8i9",
     "FbQtKTG6FjWSeYZyowWYv2KBcCbwmHqH6HUuxdJ4xkwP",
     "8Zybi2bqQ8YB4uPm3iy2rkDCmbB4wkG2Y2ig5YAkgNdg"},
};

TEST(DidKeySpecVectors, SeedsGiveTheSpecsDidsAndKeyAgreementKeys) {
  for (const auto& v : kVectors) {
    Seed seed;
    seed.bytes.fill(0);
    seed.bytes[31] = v.seed_last_byte;
    const SigningKey key = SigningKey::from_seed(seed);
    EXPECT_EQ(did_key_from_public_key(key.public_key()), v.did);

    auto x = x25519_from_ed25519(key.public_key());
    ASSERT_TRUE(x) << v.did;
    EXPECT_EQ(x25519_multibase(*x), v.x25519_multibase) << v.did;
    EXPECT_EQ(base58btc_encode(x->view()), v.x25519_public_base58) << v.did;

    // The private key-agreement key is derived from the same seed (libsodium
    // crypto_sign_ed25519_sk_to_curve25519) and matches its public half.
    const X25519KeyPair pair = X25519KeyPair::from_signing_key(key);
    EXPECT_EQ(base58btc_encode(pair.secret().view()), v.x25519_private_base58) << v.did;
    EXPECT_EQ(pair.public_key(), *x) << v.did;

    auto doc = did_key_document(v.did);
    ASSERT_TRUE(doc) << v.did;
    EXPECT_EQ((*doc)["keyAgreement"][0]["id"], std::string(v.did) + "#" + v.x25519_multibase);
    EXPECT_EQ((*doc)["keyAgreement"][0]["publicKeyMultibase"], v.x25519_multibase);
    EXPECT_EQ((*doc)["assertionMethod"][0],
              std::string(v.did) + "#" + std::string(v.did).substr(8));
  }
}

}  // namespace
}  // namespace pv
