// Each rule of docs/passkeys.md section 2 in isolation, on assertions signed by our own key so
// that only the rule under test is broken (the signature always covers what is checked).

#include <gtest/gtest.h>

#include "base/base64url.hpp"
#include "webauthn_test_support.hpp"

namespace pv::webauthn {
namespace {

using testing::authenticator_data;
using testing::refused;
using testing::sign_assertion;

constexpr std::string_view kRpId = "portal.example.org";
const std::vector<std::string> kOrigins = {"https://portal.example.org", "http://localhost:8443"};
constexpr std::uint8_t kUpUv = kFlagUserPresent | kFlagUserVerified;

class WebAuthnRules : public ::testing::Test {
 protected:
  WebAuthnRules() : key_(P256SigningKey::generate()) {
    challenge_ = sha256(as_bytes("signing message of a transaction"));
  }
  std::string client_data(std::string_view type = "webauthn.get",
                          std::string_view tail = R"(,"crossOrigin":false)") const {
    return std::string(R"({"type":")") + std::string(type) + R"(","challenge":")" +
           base64url_encode(challenge_.view()) + R"(","origin":"https://portal.example.org")" +
           std::string(tail) + "}";
  }
  Result<std::uint32_t> verify(const testing::Synthetic& s, std::uint32_t stored = 0,
                               bool require_uv = true) const {
    return verify_assertion(s.view(), key_.public_key(), challenge_.view(),
                            {kRpId, kOrigins, require_uv}, stored);
  }
  testing::Synthetic make(std::uint8_t flags, std::uint32_t counter, std::string cd,
                          const Bytes& extra = {}) const {
    return sign_assertion(key_, authenticator_data(kRpId, flags, counter, extra), std::move(cd));
  }

  P256SigningKey key_;
  Hash32 challenge_;
};

TEST_F(WebAuthnRules, AWellFormedAssertionVerifies) {
  auto r = verify(make(kUpUv, 7, client_data()), 6);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, 7u);
  // crossOrigin absent, other members ignored.
  EXPECT_TRUE(verify(make(kUpUv, 7, client_data("webauthn.get", R"(,"other":1)")), 6));
  // Backup flags (synced passkeys) are allowed.
  EXPECT_TRUE(verify(make(kUpUv | kFlagBackupEligible | kFlagBackedUp, 8, client_data()), 7));
}

TEST_F(WebAuthnRules, FlagsMissing) {
  EXPECT_TRUE(
      refused(verify(make(kFlagUserVerified, 1, client_data())), Errc::forbidden, "lack UP"));
  EXPECT_TRUE(
      refused(verify(make(kFlagUserPresent, 1, client_data())), Errc::forbidden, "lack UV"));
  EXPECT_TRUE(verify(make(kFlagUserPresent, 1, client_data()), 0, /*require_uv=*/false));
}

TEST_F(WebAuthnRules, AttestedDataExtensionsAndTrailingBytes) {
  EXPECT_TRUE(refused(verify(make(kUpUv | kFlagAttestedData, 1, client_data(), Bytes(20, 1))),
                      Errc::malformed, "AT flag"));
  // An empty CBOR map (0xa0) is well-formed, but extension outputs are refused altogether.
  EXPECT_TRUE(refused(verify(make(kUpUv | kFlagExtensions, 1, client_data(), Bytes{0xa0})),
                      Errc::malformed, "ED flag"));
  EXPECT_TRUE(refused(verify(make(kUpUv, 1, client_data(), Bytes{0x00})), Errc::malformed,
                      "1 trailing bytes"));
  auto short_data = make(kUpUv, 1, client_data());
  short_data.authenticator_data.pop_back();
  EXPECT_TRUE(refused(verify(short_data), Errc::malformed, "shorter than 37"));
  EXPECT_TRUE(
      refused(verify(make(kUpUv, 1, client_data(), Bytes(1024, 0))), Errc::too_large, "over 1024"));
}

TEST_F(WebAuthnRules, Counter) {
  // Both zero: a synced passkey; accepted, stays zero.
  auto zero = verify(make(kUpUv, 0, client_data()), 0);
  ASSERT_TRUE(zero);
  EXPECT_EQ(*zero, 0u);
  EXPECT_TRUE(refused(verify(make(kUpUv, 4, client_data()), 5), Errc::conflict,
                      "authenticator clone suspected: counter 4 is not above 5"));
  EXPECT_TRUE(refused(verify(make(kUpUv, 5, client_data()), 5), Errc::conflict,
                      "counter 5 is not above 5"));
  EXPECT_TRUE(refused(verify(make(kUpUv, 0, client_data()), 9), Errc::conflict,
                      "counter 0 is not above 9"));
  auto top = verify(make(kUpUv, 0xffffffffu, client_data()), 0xfffffffeu);
  ASSERT_TRUE(top);
  EXPECT_EQ(*top, 0xffffffffu);
}

TEST_F(WebAuthnRules, HighSIsRefusedLowSOfTheSameIsAccepted) {
  auto s = make(kUpUv, 1, client_data());
  ASSERT_TRUE(p256_signature_is_low_s(s.signature));
  s.signature = testing::high_s_twin(s.signature);
  EXPECT_TRUE(refused(verify(s), Errc::non_canonical, "s is above n/2"));
  s.signature = p256_signature_normalize_s(s.signature);
  EXPECT_TRUE(verify(s));
}

TEST_F(WebAuthnRules, ClientDataType) {
  EXPECT_TRUE(refused(verify(make(kUpUv, 1, client_data("webauthn.create"))), Errc::forbidden,
                      "type is \"webauthn.create\""));
  EXPECT_TRUE(refused(verify(make(kUpUv, 1, R"({"challenge":"x","origin":"o"})")), Errc::malformed,
                      "no \"type\""));
  EXPECT_TRUE(refused(verify(make(kUpUv, 1, R"({"type":1})")), Errc::malformed,
                      "\"type\" is not a string"));
}

TEST_F(WebAuthnRules, ClientDataCrossOrigin) {
  EXPECT_TRUE(refused(verify(make(kUpUv, 1, client_data("webauthn.get", R"(,"crossOrigin":true)"))),
                      Errc::forbidden, "crossOrigin is true"));
  EXPECT_TRUE(
      refused(verify(make(kUpUv, 1, client_data("webauthn.get", R"(,"crossOrigin":"false")"))),
              Errc::malformed, "crossOrigin is not a boolean"));
}

TEST_F(WebAuthnRules, ClientDataDuplicateKeys) {
  // A second "type" or "challenge" could mean another thing to another parser.
  EXPECT_TRUE(
      refused(verify(make(kUpUv, 1, client_data("webauthn.get", R"(,"type":"webauthn.get")"))),
              Errc::malformed, "repeats a member name"));
  EXPECT_TRUE(refused(
      verify(make(kUpUv, 1, client_data("webauthn.get", R"(,"origin":"https://evil.example")"))),
      Errc::malformed, "repeats a member name"));
}

TEST_F(WebAuthnRules, ClientDataChallengeExactText) {
  const std::string good = base64url_encode(challenge_.view());
  auto with_challenge = [&](const std::string& c) {
    return make(kUpUv, 1,
                R"({"type":"webauthn.get","challenge":")" + c +
                    R"(","origin":"https://portal.example.org"})");
  };
  EXPECT_TRUE(verify(with_challenge(good)));
  EXPECT_TRUE(refused(verify(with_challenge(good + "=")), Errc::forbidden, "challenge"));
  EXPECT_TRUE(
      refused(verify(with_challenge(to_base64(challenge_.view()))), Errc::forbidden, "challenge"));
  EXPECT_TRUE(refused(verify(with_challenge(challenge_.hex())), Errc::forbidden, "challenge"));
}

TEST_F(WebAuthnRules, ClientDataOriginMustMatchExactly) {
  for (const char* origin :
       {"https://portal.example.org.evil", "https://portal.example.org/",
        "HTTPS://portal.example.org", "http://portal.example.org", "http://localhost:8444"}) {
    std::string cd = client_data();
    cd.replace(cd.find("https://portal.example.org"), 26, origin);
    EXPECT_TRUE(refused(verify(make(kUpUv, 1, cd)), Errc::forbidden, "not an allowed origin"))
        << origin;
  }
  std::string localhost = client_data();
  localhost.replace(localhost.find("https://portal.example.org"), 26, "http://localhost:8443");
  EXPECT_TRUE(verify(make(kUpUv, 1, localhost)));
}

TEST_F(WebAuthnRules, ClientDataThatIsNotOneJsonObject) {
  for (const std::string& bad :
       {std::string("[]"), std::string(""), std::string("{"), client_data() + " {}",
        client_data() + "x", std::string("{\"type\":\"webauthn.get\xff\"}")}) {
    EXPECT_TRUE(refused(verify(make(kUpUv, 1, bad)), Errc::malformed, "clientDataJSON")) << bad;
  }
  std::string big = client_data("webauthn.get", ",\"pad\":\"" + std::string(2048, 'a') + "\"");
  EXPECT_TRUE(refused(verify(make(kUpUv, 1, big)), Errc::too_large, "over 2048"));
}

TEST_F(WebAuthnRules, ChecksRunInTheDesignsOrder) {
  // Everything wrong at once: the clientDataJSON rule (step 1) is the one reported.
  auto s = make(0, 0, client_data("webauthn.create"));
  s.signature = testing::high_s_twin(s.signature);
  EXPECT_TRUE(refused(verify(s, 9), Errc::forbidden, "webauthn.create"));
  // Then authenticatorData (step 2) before the signature (step 3) before the counter (step 4).
  s = make(0, 0, client_data());
  s.signature = testing::high_s_twin(s.signature);
  EXPECT_TRUE(refused(verify(s, 9), Errc::forbidden, "lack UP"));
  s = make(kUpUv, 0, client_data());
  s.signature = testing::high_s_twin(s.signature);
  EXPECT_TRUE(refused(verify(s, 9), Errc::non_canonical, "not canonical"));
}

TEST_F(WebAuthnRules, ExpectedChallengeMustBe32Bytes) {
  auto s = make(kUpUv, 1, client_data());
  EXPECT_TRUE(refused(verify_assertion(s.view(), key_.public_key(), challenge_.view().first(31),
                                       {kRpId, kOrigins, true}, 0),
                      Errc::invalid_argument, "32 bytes"));
}

}  // namespace
}  // namespace pv::webauthn
