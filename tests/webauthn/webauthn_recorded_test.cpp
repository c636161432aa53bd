// The registration and assertions recorded from Chromium's virtual authenticator
// (tests/data/webauthn/README.md) verify with our library, and every attack on them fails.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "webauthn/credential_key.hpp"
#include "webauthn_test_support.hpp"

namespace pv::webauthn {
namespace {

using testing::refused;

Bytes hex(const nlohmann::json& v) {
  auto b = from_hex(v.get<std::string>());
  EXPECT_TRUE(b);
  return b ? *b : Bytes{};
}

class WebAuthnRecorded : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ifstream in(std::string(PV_SOURCE_DIR) +
                     "/tests/data/webauthn/chromium-virtual-assertion.json");
    ASSERT_TRUE(in) << "recording missing";
    doc_ = nlohmann::json::parse(in);
    origins_ = {doc_.at("origin").get<std::string>()};
    rp_id_ = doc_.at("rp_id").get<std::string>();
    auto key = p256_key_from_spki(hex(doc_["registration"]["public_key_spki"]));
    ASSERT_TRUE(key) << key.error().message;
    key_.emplace(*key);
    for (const auto& a : doc_.at("assertions")) {
      Parts p;
      p.authenticator_data = hex(a["authenticator_data"]);
      p.client_data_json = hex(a["client_data_json"]);
      p.challenge = hex(a["challenge"]);
      auto der = p256_signature_from_der(hex(a["signature_der"]));
      ASSERT_TRUE(der) << der.error().message;
      p.raw = *der;
      p.counter = a["counter"].get<std::uint32_t>();
      parts_.push_back(p);
    }
    ASSERT_GE(parts_.size(), 2u);
  }

  struct Parts {
    Bytes authenticator_data, client_data_json, challenge;
    P256Signature raw;  // as the authenticator made it (may be high-S)
    std::uint32_t counter = 0;
    Assertion canonical() const {
      return {authenticator_data, client_data_json, p256_signature_normalize_s(raw)};
    }
  };

  RelyingParty rp() const { return {rp_id_, origins_, true}; }
  Result<std::uint32_t> verify(const Assertion& a, ByteView challenge, std::uint32_t stored = 0,
                               const RelyingParty* other = nullptr) const {
    return verify_assertion(a, *key_, challenge, other ? *other : rp(), stored);
  }

  nlohmann::json doc_;
  std::vector<std::string> origins_;
  std::string rp_id_;
  std::optional<P256PublicKey> key_;
  std::vector<Parts> parts_;
};

TEST_F(WebAuthnRecorded, AssertionsVerifyInOrderAndReturnTheirCounters) {
  auto first = verify(parts_[0].canonical(), parts_[0].challenge, 0);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(*first, parts_[0].counter);
  auto second = verify(parts_[1].canonical(), parts_[1].challenge, *first);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(*second, parts_[1].counter);
  EXPECT_GT(*second, *first);
}

TEST_F(WebAuthnRecorded, TheAuthenticatorsHighSFormIsRefusedAsNonCanonical) {
  for (const auto& p : parts_) {
    // The raw signature verifies as ECDSA either way; the ledger takes only the low-S form.
    EXPECT_TRUE(es256_verify(
        *key_, assertion_signed_bytes(p.authenticator_data, p.client_data_json), p.raw));
    const P256Signature high = p256_signature_is_low_s(p.raw) ? testing::high_s_twin(p.raw) : p.raw;
    EXPECT_TRUE(refused(verify({p.authenticator_data, p.client_data_json, high}, p.challenge),
                        Errc::non_canonical, "not canonical"));
  }
}

TEST_F(WebAuthnRecorded, TheRegistrationKeyIsTheCoseKeyInTheAttestationObject) {
  // The SPKI's x and y appear as the COSE key's -2 and -3 byte strings (0x58 0x20 ‖ 32 bytes).
  const std::string spki = doc_["registration"]["public_key_spki"];
  const std::string att = doc_["registration"]["attestation_object"];
  const std::string x = spki.substr(spki.size() - 128, 64), y = spki.substr(spki.size() - 64);
  EXPECT_NE(att.find("215820" + x), std::string::npos);
  EXPECT_NE(att.find("225820" + y), std::string::npos);
}

TEST_F(WebAuthnRecorded, CounterGoingBackOrRepeatingIsACloneSuspicion) {
  EXPECT_TRUE(
      refused(verify(parts_[0].canonical(), parts_[0].challenge, parts_[1].counter), Errc::conflict,
              "authenticator clone suspected: counter " + std::to_string(parts_[0].counter) +
                  " is not above " + std::to_string(parts_[1].counter)));
  EXPECT_TRUE(refused(verify(parts_[1].canonical(), parts_[1].challenge, parts_[1].counter),
                      Errc::conflict, "authenticator clone suspected"));
}

TEST_F(WebAuthnRecorded, EveryFlippedByteFails) {
  const Parts& p = parts_[0];
  for (std::size_t i = 0; i < p.authenticator_data.size(); ++i) {
    Bytes ad = p.authenticator_data;
    ad[i] ^= 0x01;
    EXPECT_FALSE(verify({ad, p.client_data_json, p256_signature_normalize_s(p.raw)}, p.challenge))
        << "authenticatorData byte " << i;
  }
  for (std::size_t i = 0; i < p.client_data_json.size(); ++i) {
    Bytes cd = p.client_data_json;
    cd[i] ^= 0x01;
    EXPECT_FALSE(verify({p.authenticator_data, cd, p256_signature_normalize_s(p.raw)}, p.challenge))
        << "clientDataJSON byte " << i;
  }
  const P256Signature sig = p256_signature_normalize_s(p.raw);
  for (std::size_t i = 0; i < sig.size(); ++i) {
    P256Signature bad = sig;
    bad.bytes[i] ^= 0x01;
    EXPECT_FALSE(verify({p.authenticator_data, p.client_data_json, bad}, p.challenge))
        << "signature byte " << i;
  }
}

TEST_F(WebAuthnRecorded, WrongOriginRpIdOrChallengeIsNamed) {
  const Parts& p = parts_[0];
  const std::vector<std::string> other_origins = {"http://localhost:1", "https://localhost"};
  const RelyingParty wrong_origin{rp_id_, other_origins, true};
  EXPECT_TRUE(refused(verify(p.canonical(), p.challenge, 0, &wrong_origin), Errc::forbidden,
                      "origin \"" + origins_[0] + "\" is not an allowed origin"));
  const RelyingParty wrong_rp{"example.org", origins_, true};
  EXPECT_TRUE(refused(verify(p.canonical(), p.challenge, 0, &wrong_rp), Errc::forbidden,
                      "rpIdHash is not SHA-256 of the RP ID \"example.org\""));
  EXPECT_TRUE(refused(verify(p.canonical(), parts_[1].challenge), Errc::forbidden,
                      "challenge is not the expected challenge"));
  // The other recorded assertion's signature on this one's data.
  const Assertion swapped{p.authenticator_data, p.client_data_json,
                          p256_signature_normalize_s(parts_[1].raw)};
  EXPECT_TRUE(refused(verify(swapped, p.challenge), Errc::bad_signature, "does not verify"));
}

TEST_F(WebAuthnRecorded, ClearedFlagsFailTheFlagRuleAndTheSignature) {
  const Parts& p = parts_[0];
  ASSERT_EQ(p.authenticator_data[32] & (kFlagUserPresent | kFlagUserVerified),
            kFlagUserPresent | kFlagUserVerified);
  const P256Signature sig = p256_signature_normalize_s(p.raw);
  Bytes no_up = p.authenticator_data;
  no_up[32] &= ~kFlagUserPresent;
  EXPECT_TRUE(
      refused(verify({no_up, p.client_data_json, sig}, p.challenge), Errc::forbidden, "lack UP"));
  EXPECT_FALSE(es256_verify(*key_, assertion_signed_bytes(no_up, p.client_data_json), sig));
  Bytes no_uv = p.authenticator_data;
  no_uv[32] &= ~kFlagUserVerified;
  EXPECT_TRUE(
      refused(verify({no_uv, p.client_data_json, sig}, p.challenge), Errc::forbidden, "lack UV"));
  // Where UV is not required the flag rule passes, and the signature still catches the edit.
  const RelyingParty lax{rp_id_, origins_, false};
  EXPECT_TRUE(refused(verify({no_uv, p.client_data_json, sig}, p.challenge, 0, &lax),
                      Errc::bad_signature, "does not verify"));
}

TEST_F(WebAuthnRecorded, TheRegistrationIsNotAnAssertion) {
  const auto& reg = doc_["registration"];
  // Its clientDataJSON says webauthn.create; its authenticator data carries AT and a credential.
  const Bytes cd = hex(reg["client_data_json"]);
  const Bytes ad = hex(reg["authenticator_data"]);
  EXPECT_TRUE(
      refused(verify({parts_[0].authenticator_data, cd, p256_signature_normalize_s(parts_[0].raw)},
                     hex(reg["challenge"])),
              Errc::forbidden, "type is \"webauthn.create\""));
  EXPECT_TRUE(
      refused(check_assertion_authenticator_data(ad, rp_id_, true), Errc::malformed, "AT flag"));
}

}  // namespace
}  // namespace pv::webauthn
