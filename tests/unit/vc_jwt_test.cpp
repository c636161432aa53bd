#include "ledger/vc_jwt.hpp"

#include <gtest/gtest.h>

#include "codec/did_key.hpp"
#include "ledger/jose.hpp"

namespace pv {
namespace {

using nlohmann::json;

constexpr std::int64_t kNow = 1'800'000'000;

struct Party {
  SigningKey key = SigningKey::generate();
  std::string did = did_key_from_public_key(key.public_key());
  std::string kid = did_key_method_id(did);
};

RoleCredential sample(const Party& org, const Party& practitioner) {
  RoleCredential c;
  c.issuer = org.did;
  c.key_id = org.kid;
  c.subject = practitioner.did;
  c.role = "physician";
  c.license_number = "MD-4471";
  c.organization = "St. Example Hospital";
  c.issued_at = kNow - 10;
  c.not_before = kNow - 10;
  c.expires = kNow + 3600;
  return c;
}

Result<RoleCredential> verify_at(const std::string& jwt, std::int64_t now) {
  return verify_role_credential(jwt, resolve_did_key_method, RoleCredentialCheck{now});
}

// Signs arbitrary header and claims with `key`, bypassing issue_role_credential's checks.
std::string forge(const json& header, const json& claims, const SigningKey& key) {
  return *jws_sign_eddsa(header, as_bytes(*dump_json(claims)), key);
}

json claims_of(const std::string& jwt) {
  auto first = jwt.find('.');
  auto second = jwt.find('.', first + 1);
  return *parse_json_strict(as_chars(*base64url_decode(jwt.substr(first + 1, second - first - 1))));
}

TEST(RoleCredential, IssuedCredentialVerifiesAndCarriesRevocationHandle) {
  Party org, doc;
  auto jwt = issue_role_credential(sample(org, doc), org.key);
  ASSERT_TRUE(jwt) << jwt.error().message;
  auto got = verify_at(*jwt, kNow);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->issuer, org.did);
  EXPECT_EQ(got->key_id, org.kid);
  EXPECT_EQ(got->subject, doc.did);
  EXPECT_EQ(got->role, "physician");
  EXPECT_EQ(got->license_number, "MD-4471");
  EXPECT_EQ(got->organization, "St. Example Hospital");
  EXPECT_EQ(got->not_before, kNow - 10);
  EXPECT_EQ(got->expires, kNow + 3600);
  EXPECT_EQ(got->id.rfind("urn:uuid:", 0), 0u);
  EXPECT_EQ(got->id.size(), 9u + 36u);
  // Two issuances get distinct ids.
  EXPECT_NE(claims_of(*issue_role_credential(sample(org, doc), org.key))["jti"], got->id);
}

TEST(RoleCredential, ShapeFollowsVcJwtEncoding) {
  Party org, doc;
  std::string jwt = *issue_role_credential(sample(org, doc), org.key);
  json header = *parse_json_strict(as_chars(*base64url_decode(jwt.substr(0, jwt.find('.')))));
  EXPECT_EQ(header, json({{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", org.kid}}));
  EXPECT_EQ(org.kid, org.did + "#" + org.did.substr(8));
  json claims = claims_of(jwt);
  EXPECT_EQ(claims["iss"], org.did);
  EXPECT_EQ(claims["sub"], doc.did);
  EXPECT_EQ(claims["vc"]["@context"][0], std::string(kVcContextV1));
  EXPECT_EQ(claims["vc"]["type"],
            json::array({"VerifiableCredential", "PractitionerRoleCredential"}));
  EXPECT_EQ(claims["vc"]["credentialSubject"]["id"], doc.did);
  EXPECT_TRUE(claims["nbf"].is_number_integer());
  EXPECT_TRUE(claims["exp"].is_number_integer());
}

TEST(RoleCredential, IssueRefusesIncompleteInput) {
  Party org, doc;
  auto c = sample(org, doc);
  c.role.clear();
  EXPECT_FALSE(issue_role_credential(c, org.key));
  c = sample(org, doc);
  c.key_id = doc.kid;  // not a method of the issuer
  EXPECT_FALSE(issue_role_credential(c, org.key));
  c = sample(org, doc);
  c.expires = c.not_before;
  EXPECT_FALSE(issue_role_credential(c, org.key));
  c = sample(org, doc);
  c.role = "\xff";  // not UTF-8: an error, not an exception
  EXPECT_FALSE(issue_role_credential(c, org.key));
}

TEST(RoleCredential, ValidityWindowWithSkew) {
  Party org, doc;
  auto c = sample(org, doc);
  std::string jwt = *issue_role_credential(c, org.key);
  EXPECT_TRUE(verify_at(jwt, c.not_before - kDefaultClockSkewSeconds));
  EXPECT_TRUE(verify_at(jwt, c.expires + kDefaultClockSkewSeconds - 1));

  auto early = verify_at(jwt, c.not_before - kDefaultClockSkewSeconds - 1);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, Errc::unauthorized);
  EXPECT_NE(early.error().message.find("not yet valid"), std::string::npos)
      << early.error().message;

  auto late = verify_at(jwt, c.expires + kDefaultClockSkewSeconds);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, Errc::unauthorized);
  EXPECT_NE(late.error().message.find("expired"), std::string::npos) << late.error().message;

  auto strict = verify_role_credential(jwt, resolve_did_key_method, {c.expires, 0});
  ASSERT_FALSE(strict);
  EXPECT_EQ(strict.error().code, Errc::unauthorized);
}

TEST(RoleCredential, FlippingAnyByteOfHeaderPayloadOrSignatureIsRefused) {
  Party org, doc;
  const std::string jwt = *issue_role_credential(sample(org, doc), org.key);
  auto dot1 = jwt.find('.');
  auto dot2 = jwt.find('.', dot1 + 1);
  const std::string parts[3] = {jwt.substr(0, dot1), jwt.substr(dot1 + 1, dot2 - dot1 - 1),
                                jwt.substr(dot2 + 1)};
  for (int p = 0; p < 3; ++p) {
    Bytes raw = *base64url_decode(parts[p]);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      for (std::uint8_t mask : {0x01, 0x80}) {
        Bytes bad = raw;
        bad[i] ^= mask;
        std::string segs[3] = {parts[0], parts[1], parts[2]};
        segs[p] = base64url_encode(bad);
        EXPECT_FALSE(verify_at(segs[0] + "." + segs[1] + "." + segs[2], kNow))
            << "part " << p << " byte " << i;
      }
    }
  }
  for (std::size_t i = 0; i < jwt.size(); ++i) {
    std::string bad = jwt;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(verify_at(bad, kNow)) << "character " << i;
  }
}

TEST(RoleCredential, RefusesAlgNoneAndHmac) {
  Party org, doc;
  std::string jwt = *issue_role_credential(sample(org, doc), org.key);
  std::string body = jwt.substr(jwt.find('.'));  // ".payload.signature"
  for (const char* alg : {"none", "HS256", "ES256", "RS256"}) {
    json header = {{"alg", alg}, {"typ", "JWT"}, {"kid", org.kid}};
    auto r = verify_at(base64url_encode(as_bytes(header.dump())) + body, kNow);
    ASSERT_FALSE(r) << alg;
    EXPECT_EQ(r.error().code, Errc::malformed) << alg;
  }
  json none = {{"alg", "none"}, {"typ", "JWT"}};
  std::string unsigned_jwt = base64url_encode(as_bytes(none.dump())) + "." +
                             jwt.substr(jwt.find('.') + 1, jwt.rfind('.') - jwt.find('.') - 1) +
                             ".";
  EXPECT_FALSE(verify_at(unsigned_jwt, kNow));
}

TEST(RoleCredential, RefusesKidOfAnotherDid) {
  Party org, doc, mallory;
  // Mallory signs a credential claiming to be issued by org, with her own key id.
  auto c = sample(org, doc);
  json header = {{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", mallory.kid}};
  auto claims = claims_of(*issue_role_credential(c, org.key));
  auto r = verify_at(forge(header, claims, mallory.key), kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::bad_signature);
  EXPECT_NE(r.error().message.find("does not belong to issuer"), std::string::npos);

  // Org's kid but Mallory's signature.
  header["kid"] = org.kid;
  r = verify_at(forge(header, claims, mallory.key), kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::bad_signature);

  // A kid whose fragment names a different key than its DID.
  header["kid"] = org.did + "#" + mallory.did.substr(8);
  EXPECT_FALSE(verify_at(forge(header, claims, mallory.key), kNow));
  header["kid"] = org.did;  // no fragment
  EXPECT_FALSE(verify_at(forge(header, claims, org.key), kNow));
  header.erase("kid");
  EXPECT_FALSE(verify_at(forge(header, claims, org.key), kNow));
}

TEST(RoleCredential, RefusesSubjectMismatchAndBadShapes) {
  Party org, doc, other;
  json header = {{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", org.kid}};
  const json good = claims_of(*issue_role_credential(sample(org, doc), org.key));
  ASSERT_TRUE(verify_at(forge(header, good, org.key), kNow));

  auto refused = [&](json claims, const char* why) {
    auto r = verify_at(forge(header, claims, org.key), kNow);
    ASSERT_FALSE(r) << why;
    EXPECT_EQ(r.error().code, Errc::malformed) << why << ": " << r.error().message;
  };
  json c = good;
  c["sub"] = other.did;
  refused(c, "sub differs from credentialSubject.id");
  c = good;
  c["vc"]["credentialSubject"]["id"] = other.did;
  refused(c, "credentialSubject.id differs from sub");
  // VC-JWT lets "sub" stand for a missing credentialSubject.id (VC Data Model 1.1, 6.3.1).
  c = good;
  c["vc"]["credentialSubject"].erase("id");
  auto implied = verify_at(forge(header, c, org.key), kNow);
  ASSERT_TRUE(implied) << implied.error().message;
  EXPECT_EQ(implied->subject, doc.did);
  c["sub"] = other.did;
  auto moved = verify_at(forge(header, c, org.key), kNow);
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->subject, other.did);  // the subject is sub, whatever it is
  c["vc"]["credentialSubject"]["id"] = 7;
  refused(c, "credentialSubject.id not a string");
  for (const char* field : {"role", "licenseNumber", "organization"}) {
    c = good;
    c["vc"]["credentialSubject"].erase(field);
    refused(c, field);
    c["vc"]["credentialSubject"][field] = 7;
    refused(c, field);
  }
  for (const char* claim : {"iss", "sub", "jti", "nbf", "exp", "vc"}) {
    c = good;
    c.erase(claim);
    refused(c, claim);
  }
  c = good;
  c["exp"] = "tomorrow";
  refused(c, "exp as text");
  c = good;
  c["nbf"] = -5;
  refused(c, "negative nbf");
  c = good;
  c["exp"] = 1e300;
  refused(c, "exp beyond year 9999");
  c = good;
  c["vc"]["type"] = json::array({"VerifiableCredential"});
  refused(c, "role type missing");
  c = good;
  c["vc"]["@context"] = json::array({"https://example.org/ctx"});
  refused(c, "v1 context missing");
  c = good;
  c["vc"]["credentialSubject"] = json::array({good["vc"]["credentialSubject"]});
  refused(c, "several subjects");
  c = good;
  c["vc"]["issuer"] = other.did;
  refused(c, "vc.issuer differs from iss");
  c = good;
  c["vc"]["id"] = "urn:uuid:00000000-0000-4000-8000-000000000000";
  refused(c, "vc.id differs from jti");
  refused(json::array({good}), "claims not an object");

  c = good;
  c["vc"]["issuer"] = {{"id", org.did}, {"name", "St. Example"}};
  EXPECT_TRUE(verify_at(forge(header, c, org.key), kNow));
  header["typ"] = "vc+ld+json";
  EXPECT_FALSE(verify_at(forge(header, good, org.key), kNow));
  header.erase("typ");
  EXPECT_TRUE(verify_at(forge(header, good, org.key), kNow));
}

TEST(RoleCredential, RefusesDuplicateClaimNames) {
  Party org, doc;
  json header = {{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", org.kid}};
  std::string claims = *dump_json(claims_of(*issue_role_credential(sample(org, doc), org.key)));
  // A second "sub" appended: parsers that keep the last value would see another practitioner.
  claims.insert(1, "\"sub\":\"did:key:z6MkAttacker\",");
  auto r = verify_at(*jws_sign_eddsa(header, as_bytes(claims), org.key), kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::malformed);
}

TEST(RoleCredential, GarbageAndTruncatedJwtsAreErrors) {
  Party org, doc;
  const std::string jwt = *issue_role_credential(sample(org, doc), org.key);
  for (std::size_t n = 0; n < jwt.size(); n += 3) EXPECT_FALSE(verify_at(jwt.substr(0, n), kNow));
  for (const char* junk : {"", "...", "a.b.c", "null", "eyJ9.eyJ9.eyJ9", "\x80\x81.\x82.\x83"})
    EXPECT_FALSE(verify_at(junk, kNow)) << junk;
  json header = {{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", org.kid}};
  for (const char* payload : {"", "null", "[]", "\"text\"", "{\"vc\":", "{}"}) {
    auto r = verify_at(*jws_sign_eddsa(header, as_bytes(payload), org.key), kNow);
    EXPECT_FALSE(r) << payload;
  }
}

TEST(RoleCredential, DidKeyResolverIsStrict) {
  Party org;
  auto key = resolve_did_key_method(org.kid);
  ASSERT_TRUE(key);
  EXPECT_EQ(*key, org.key.public_key());
  EXPECT_FALSE(resolve_did_key_method(org.did));
  EXPECT_FALSE(resolve_did_key_method(org.did + "#"));
  EXPECT_FALSE(resolve_did_key_method(org.did + "#keys-1"));
  EXPECT_FALSE(resolve_did_key_method("did:web:example.org#key-1"));
  EXPECT_FALSE(resolve_did_key_method(org.kid + "x"));
}

// The ledger form (what an attestation carries): no licence number, the organization named by
// its DID, nothing else in the subject; each form is refused where the other is required.
TEST(RoleCredential, LedgerFormCarriesNoPersonalClaims) {
  Party org, doc;
  RoleCredential c = sample(org, doc);
  c.license_number.clear();
  c.organization = org.did;
  auto jwt = issue_role_credential(c, org.key);
  ASSERT_TRUE(jwt) << jwt.error().message;
  EXPECT_FALSE(claims_of(*jwt)["vc"]["credentialSubject"].contains("licenseNumber"));
  RoleCredentialCheck ledger{kNow, kDefaultClockSkewSeconds, RoleCredentialForm::ledger};
  auto got = verify_role_credential(*jwt, resolve_did_key_method, ledger);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->organization, org.did);
  EXPECT_TRUE(got->license_number.empty());
  auto handle = peek_role_credential(*jwt);
  ASSERT_TRUE(handle);
  EXPECT_TRUE(handle->ledger_form);
  EXPECT_EQ(handle->issuer, org.did);
  EXPECT_EQ(handle->id, got->id);
  // Without a licence number it is not a full credential.
  EXPECT_FALSE(verify_at(*jwt, kNow));
  // A full credential is not a ledger credential.
  auto full = issue_role_credential(sample(org, doc), org.key);
  ASSERT_TRUE(full);
  EXPECT_FALSE(verify_role_credential(*full, resolve_did_key_method, ledger));
  EXPECT_FALSE(peek_role_credential(*full)->ledger_form);
  // A name in the subject, or the organization by name, is refused (signed by the issuer).
  json claims = claims_of(*jwt);
  json header = {{"alg", "EdDSA"}, {"kid", org.kid}, {"typ", "JWT"}};
  json named = claims;
  named["vc"]["credentialSubject"]["name"] = "Dr Lee";
  auto r = verify_role_credential(forge(header, named, org.key), resolve_did_key_method, ledger);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("\"name\""), std::string::npos);
  json by_name = claims;
  by_name["vc"]["credentialSubject"]["organization"] = "St. Example Hospital";
  EXPECT_FALSE(
      verify_role_credential(forge(header, by_name, org.key), resolve_did_key_method, ledger));
  // Issuing refuses a missing licence number unless the organization is the issuer's DID.
  RoleCredential half = sample(org, doc);
  half.license_number.clear();
  EXPECT_FALSE(issue_role_credential(half, org.key));
  EXPECT_FALSE(peek_role_credential("not.a.jwt"));
  EXPECT_FALSE(peek_role_credential("garbage"));
}

}  // namespace
}  // namespace pv
