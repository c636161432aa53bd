// Identity formats against independent implementations from npm (tests/interop/did_interop.mjs):
//   - did:key documents, including the derived X25519 key-agreement key, equal what
//     @digitalbazaar/did-method-key (Ed25519VerificationKey2020 / X25519KeyAgreementKey2020
//     suites) makes, field for field, and carry the same keys as key-did-resolver's
//     (2018/2019 suites, base58 keys); for the W3C CCG spec's example DID and for fresh keys.
//   - role credentials: PatientVault issues and did-jwt-vc verifies (issuer resolved as did:key by
//     key-did-resolver); did-jwt-vc issues and PatientVault verifies, also against the ledger.

#include <gtest/gtest.h>

#include <ctime>

#include "../interop/node_script.hpp"
#include "codec/did_key.hpp"
#include "identity/did_key_document.hpp"
#include "ledger/credential_check.hpp"
#include "ledger/jose.hpp"
#include "org_test_support.hpp"

namespace pv {
namespace {

using testing::run_node_script;
using testing::shell_quote;

// The example of the W3C CCG did:key specification (section "Ed25519 (X25519)").
constexpr const char* kSpecDid = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
constexpr const char* kSpecX25519 = "z6LSj72tK8brWgZja8NLRwPigth2T9QRiG1uH9oKZuKjdh9p";

std::int64_t now() {
  return static_cast<std::int64_t>(std::time(nullptr));
}

std::string first_line(const std::string& s) {
  return s.substr(0, s.find_first_of("\r\n"));
}

class DidKeyInterop : public ::testing::Test {
 protected:
  void SetUp() override { testing::require_interop_tools("@digitalbazaar/did-method-key"); }

  void expect_same_document(const std::string& did) {
    auto ours = did_key_document(did);
    ASSERT_TRUE(ours) << ours.error().message;
    auto run = run_node_script("did_interop.mjs", "did-key " + shell_quote(did));
    ASSERT_EQ(run.exit_code, 0) << run.out;
    auto theirs = parse_json_strict(run.out);
    ASSERT_TRUE(theirs) << run.out;
    EXPECT_EQ((*theirs)["digitalbazaar"], *ours)
        << "digitalbazaar: " << (*theirs)["digitalbazaar"].dump(2) << "\nours: " << ours->dump(2);

    // key-did-resolver uses the 2018/2019 suites with base58 keys: same ids, same key bytes.
    const auto& ceramic = (*theirs)["keyDidResolver"];
    EXPECT_EQ(ceramic["id"], did);
    const auto& vm = ceramic["verificationMethod"][0];
    EXPECT_EQ(vm["id"], (*ours)["verificationMethod"][0]["id"]);
    EXPECT_EQ(vm["type"], "Ed25519VerificationKey2018");
    auto ed = base58btc_decode(vm["publicKeyBase58"].get<std::string>());
    ASSERT_TRUE(ed);
    EXPECT_EQ(to_hex(*ed), public_key_from_did_key(did)->hex());
    for (const char* relation :
         {"authentication", "assertionMethod", "capabilityDelegation", "capabilityInvocation"})
      EXPECT_EQ(ceramic[relation], (*ours)[relation]) << relation;
    const auto& ka = ceramic["keyAgreement"][0];
    EXPECT_EQ(ka["id"], (*ours)["keyAgreement"][0]["id"]);
    EXPECT_EQ(ka["type"], "X25519KeyAgreementKey2019");
    auto x = base58btc_decode(ka["publicKeyBase58"].get<std::string>());
    ASSERT_TRUE(x);
    auto our_x = x25519_from_ed25519(*public_key_from_did_key(did));
    ASSERT_TRUE(our_x);
    EXPECT_EQ(to_hex(*x), our_x->hex());
  }
};

TEST_F(DidKeyInterop, SpecExampleMatchesBothResolvers) {
  expect_same_document(kSpecDid);
  auto ours = did_key_document(kSpecDid);
  ASSERT_TRUE(ours);
  EXPECT_EQ((*ours)["keyAgreement"][0]["publicKeyMultibase"], kSpecX25519);
}

TEST_F(DidKeyInterop, FreshKeysMatchBothResolvers) {
  for (int i = 0; i < 4; ++i)
    expect_same_document(did_key_from_public_key(SigningKey::generate().public_key()));
}

class VcJwtDidJwtVc : public ::testing::Test {
 protected:
  void SetUp() override { testing::require_interop_tools("did-jwt-vc"); }

  std::string issue_here(const testing::TestParty& issuer, const SigningKey& key) {
    RoleCredential c;
    c.issuer = issuer.did;
    c.key_id = did_key_method_id(issuer.did);
    c.subject = doctor.did;
    c.role = "physician";
    c.license_number = "MD-4471";
    c.organization = "Hospital";
    c.issued_at = c.not_before = now();
    c.expires = now() + 3600;
    auto jwt = issue_role_credential(c, key);
    EXPECT_TRUE(jwt);
    return jwt ? *jwt : "";
  }

  std::string issue_there(const testing::TestParty& issuer, const SigningKey& key) {
    auto run = run_node_script("did_interop.mjs", "vc-issue " + shell_quote(key.seed().hex()) +
                                                      " " + shell_quote(issuer.did) + " " +
                                                      shell_quote(doctor.did) + " Hospital");
    EXPECT_EQ(run.exit_code, 0) << run.out;
    return first_line(run.out);
  }

  testing::Consortium c;
  testing::TestParty doctor;
};

TEST_F(VcJwtDidJwtVc, PatientVaultIssuedCredentialVerifiesInDidJwtVc) {
  std::string jwt = issue_here(c.hospital, c.hospital.key);
  auto run = run_node_script("did_interop.mjs", "vc-verify " + shell_quote(jwt));
  ASSERT_EQ(run.exit_code, 0) << run.out;
  auto seen = parse_json_strict(run.out);
  ASSERT_TRUE(seen) << run.out;
  EXPECT_EQ((*seen)["issuer"], c.hospital.did);
  EXPECT_EQ((*seen)["payload"]["sub"], doctor.did);
  EXPECT_EQ((*seen)["payload"]["vc"]["credentialSubject"]["role"], "physician");
  EXPECT_EQ((*seen)["header"]["alg"], "EdDSA");

  // did-jwt-vc refuses what we refuse: a flipped signature, another key in the issuer's name.
  std::string flipped = jwt;
  flipped[flipped.size() - 4] = flipped[flipped.size() - 4] == 'A' ? 'B' : 'A';
  EXPECT_EQ(run_node_script("did_interop.mjs", "vc-verify " + shell_quote(flipped)).exit_code, 1);
  testing::TestParty impostor;
  auto forged = run_node_script("did_interop.mjs",
                                "vc-verify " + shell_quote(issue_here(c.hospital, impostor.key)));
  EXPECT_EQ(forged.exit_code, 1) << forged.out;
  EXPECT_NE(forged.out.find("invalid_signature"), std::string::npos) << forged.out;
}

TEST_F(VcJwtDidJwtVc, DidJwtVcIssuedCredentialVerifiesInPatientVault) {
  std::string jwt = issue_there(c.hospital, c.hospital.key);
  auto got = verify_role_credential(jwt, resolve_did_key_method, {now()});
  ASSERT_TRUE(got) << got.error().message << "\n" << jwt;
  EXPECT_EQ(got->issuer, c.hospital.did);
  EXPECT_EQ(got->subject, doctor.did);  // from sub: did-jwt-vc leaves credentialSubject.id out
  EXPECT_EQ(got->role, "emergency-clinician");
  EXPECT_EQ(got->license_number, "EC-DIDJWT-3");
  EXPECT_EQ(got->id.rfind("urn:uuid:", 0), 0u);

  // Against the ledger: the hospital is a member provider; an insurer or a stranger is not.
  testing::TestParty stranger;
  StateCredentialLedger ledger(c.state);
  auto on_ledger = verify_credential_on_ledger(jwt, ledger, {now()});
  ASSERT_TRUE(on_ledger) << on_ledger.error().message;
  EXPECT_EQ(on_ledger->issuer.role, "provider");
  auto insurer =
      verify_credential_on_ledger(issue_there(c.insurer, c.insurer.key), ledger, {now()});
  ASSERT_FALSE(insurer);
  EXPECT_EQ(insurer.error().code, Errc::forbidden);
  auto outsider = verify_credential_on_ledger(issue_there(stranger, stranger.key), ledger, {now()});
  ASSERT_FALSE(outsider);
  EXPECT_NE(outsider.error().message.find("is not a member organization"), std::string::npos);
  // A did-jwt-vc credential signed by another key in the hospital's name.
  auto forged = verify_credential_on_ledger(issue_there(c.hospital, stranger.key), ledger, {now()});
  ASSERT_FALSE(forged);
  EXPECT_EQ(forged.error().code, Errc::bad_signature);
}

}  // namespace
}  // namespace pv
