// did:key DID documents against the did:key specification's published example
// (w3c-ccg.github.io/did-method-key, Ed25519 example with its derived X25519 key).

#include "identity/did_key_document.hpp"

#include <gtest/gtest.h>

#include "codec/did_key.hpp"

namespace pv {
namespace {

constexpr const char* kSpecDid = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
constexpr const char* kSpecEd = "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
constexpr const char* kSpecX = "z6LSj72tK8brWgZja8NLRwPigth2T9QRiG1uH9oKZuKjdh9p";

TEST(DidKeyDocument, MatchesTheSpecExampleFieldByField) {
  auto doc = did_key_document(kSpecDid);
  ASSERT_TRUE(doc) << doc.error().message;
  const std::string ed_id = std::string(kSpecDid) + "#" + kSpecEd;
  const std::string x_id = std::string(kSpecDid) + "#" + kSpecX;

  EXPECT_EQ((*doc)["@context"],
            nlohmann::json({"https://www.w3.org/ns/did/v1",
                            "https://w3id.org/security/suites/ed25519-2020/v1",
                            "https://w3id.org/security/suites/x25519-2020/v1"}));
  EXPECT_EQ((*doc)["id"], kSpecDid);

  ASSERT_EQ((*doc)["verificationMethod"].size(), 1u);
  const auto& vm = (*doc)["verificationMethod"][0];
  EXPECT_EQ(vm.size(), 4u);
  EXPECT_EQ(vm["id"], ed_id);
  EXPECT_EQ(vm["type"], "Ed25519VerificationKey2020");
  EXPECT_EQ(vm["controller"], kSpecDid);
  EXPECT_EQ(vm["publicKeyMultibase"], kSpecEd);

  for (const char* rel :
       {"authentication", "assertionMethod", "capabilityDelegation", "capabilityInvocation"}) {
    ASSERT_TRUE(doc->contains(rel)) << rel;
    EXPECT_EQ((*doc)[rel], nlohmann::json::array({ed_id})) << rel;
  }

  ASSERT_EQ((*doc)["keyAgreement"].size(), 1u);
  const auto& ka = (*doc)["keyAgreement"][0];
  EXPECT_EQ(ka.size(), 4u);
  EXPECT_EQ(ka["id"], x_id);
  EXPECT_EQ(ka["type"], "X25519KeyAgreementKey2020");
  EXPECT_EQ(ka["controller"], kSpecDid);
  EXPECT_EQ(ka["publicKeyMultibase"], kSpecX);

  // Nothing beyond the spec's members.
  EXPECT_EQ(doc->size(), 8u);
}

TEST(DidKeyDocument, DerivedKeyAgreementKeyIsTheX25519FormOfTheSameKey) {
  SigningKey k = SigningKey::generate();
  auto x = x25519_from_ed25519(k.public_key());
  ASSERT_TRUE(x);
  EXPECT_EQ(x25519_multibase(*x).substr(0, 4), "z6LS");
  auto doc = did_key_document(did_key_from_public_key(k.public_key()));
  ASSERT_TRUE(doc);
  EXPECT_EQ((*doc)["keyAgreement"][0]["publicKeyMultibase"], x25519_multibase(*x));
}

TEST(DidKeyDocument, RefusesWhatIsNotACanonicalEd25519DidKey) {
  EXPECT_FALSE(did_key_document("did:web:example.com"));
  EXPECT_FALSE(did_key_document(std::string("did:key:") + kSpecX));  // an X25519 did:key
  EXPECT_FALSE(did_key_document("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2do"));
  // A small-order point has no usable X25519 form.
  PublicKey identity_point{};
  identity_point.bytes[0] = 1;
  EXPECT_FALSE(x25519_from_ed25519(identity_point));
  EXPECT_FALSE(did_key_document(did_key_from_public_key(identity_point)));
}

}  // namespace
}  // namespace pv
