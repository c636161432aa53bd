// RFC 9421 HTTP Message Signatures (Ed25519) and RFC 9530 Content-Digest: published vectors,
// then attacks on every rule of verify_request, then malformed headers.

#include "identity/http_signature.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "codec/did_key.hpp"

namespace pv {
namespace {

using namespace std::chrono_literals;

// --- Published vectors -----------------------------------------------------------------------
// RFC 9421 Appendix B.1.4 "test-key-ed25519": the 32-byte private key (the octet string inside
// the published PKCS#8 PEM) and the public key (the last 32 bytes of the published SPKI PEM).
constexpr std::string_view kRfcSeedHex =
    "9f8362f87a484a954e6e740c5b4c0e84229139a20aa8ab56ff66586f6a7d29c5";
constexpr std::string_view kRfcPublicKeyHex =
    "26b40b8f93fff3d897112f7ebc582b232dbd72517d082fe83cfb30ddce43d1bb";
constexpr std::string_view kRfcKeyId = "test-key-ed25519";
constexpr std::string_view kRfcBody = R"({"hello": "world"})";
// RFC 9421 Appendix B.2.6, with the RFC 8792 line wrapping undone.
constexpr std::string_view kRfcSignatureInput =
    R"(sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length"))"
    R"(;created=1618884473;keyid="test-key-ed25519")";
constexpr std::string_view kRfcSignature =
    "sig-b26=:"
    "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw=="
    ":";
constexpr std::string_view kRfcSignatureBase =
    "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n"
    "\"@method\": POST\n"
    "\"@path\": /foo\n"
    "\"@authority\": example.com\n"
    "\"content-type\": application/json\n"
    "\"content-length\": 18\n"
    "\"@signature-params\": (\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" "
    "\"content-length\");created=1618884473;keyid=\"test-key-ed25519\"";
// RFC 9530 section 2 (body with trailing LF) and RFC 9421 Appendix B.2 (without; sha-512 form).
constexpr std::string_view kDigestHelloLf =
    "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:";
constexpr std::string_view kDigestHello = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:";
constexpr std::string_view kDigestHelloSha512 =
    "sha-512=:WZDPaVn/"
    "7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew=="
    ":";

// The RFC 9421 Appendix B.2 test-request, signed as in B.2.6.
HttpRequest rfc_test_request() {
  HttpRequest r;
  r.method = "POST";
  r.target = "/foo?param=Value&Pet=dog";
  r.authority = "example.com";
  r.headers.emplace("Host", "example.com");
  r.headers.emplace("Date", "Tue, 20 Apr 2021 02:07:55 GMT");
  r.headers.emplace("Content-Type", "application/json");
  r.headers.emplace("Content-Digest", std::string(kDigestHelloSha512));
  r.headers.emplace("Content-Length", "18");
  r.headers.emplace("Signature-Input", std::string(kRfcSignatureInput));
  r.headers.emplace("Signature", std::string(kRfcSignature));
  r.body = to_bytes(kRfcBody);
  return r;
}

SigningKey rfc_key() {
  return SigningKey::from_seed(*Seed::from_hex(kRfcSeedHex));
}

KeyResolver rfc_resolver() {
  return [](std::string_view keyid) -> Result<PublicKey> {
    if (keyid != kRfcKeyId) return make_error(Errc::not_found, "no such key");
    return *PublicKey::from_hex(kRfcPublicKeyHex);
  };
}

TEST(ContentDigest, MatchesRfc9530AndRfc9421Examples) {
  EXPECT_EQ(content_digest(as_bytes("{\"hello\": \"world\"}\n")), kDigestHelloLf);
  EXPECT_EQ(content_digest(as_bytes(kRfcBody)), kDigestHello);
}

TEST(ContentDigest, VerifiesSha256AmongSeveralAlgorithms) {
  const ByteView body = as_bytes(kRfcBody);
  EXPECT_TRUE(verify_content_digest(kDigestHello, body));
  const std::string both = std::string(kDigestHelloSha512) + ", " + std::string(kDigestHello);
  EXPECT_TRUE(verify_content_digest(both, body));
  // sha-256 is required even when another algorithm is present and right.
  EXPECT_FALSE(verify_content_digest(kDigestHelloSha512, body));
  EXPECT_FALSE(verify_content_digest(kDigestHello, as_bytes("{\"hello\": \"world!\"}")));
  EXPECT_FALSE(verify_content_digest(kDigestHelloLf, body));
  EXPECT_FALSE(verify_content_digest("sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", body));
  EXPECT_FALSE(verify_content_digest("sha-256=:AAAA:", body));
  EXPECT_FALSE(verify_content_digest("", body));
}

TEST(Rfc9421Vector, KeyMatchesPublishedPublicKey) {
  EXPECT_EQ(rfc_key().public_key().hex(), kRfcPublicKeyHex);
}

TEST(Rfc9421Vector, SignatureBaseIsReproducedByteForByte) {
  const HttpRequest request = rfc_test_request();
  auto parsed = parse_signature_fields(kRfcSignatureInput, kRfcSignature, "sig-b26");
  ASSERT_TRUE(parsed) << parsed.error().message;
  auto base = signature_base(request, parsed->params);
  ASSERT_TRUE(base) << base.error().message;
  EXPECT_EQ(*base, kRfcSignatureBase);
  // Re-serializing the parsed parameters gives back the published Signature-Input member.
  EXPECT_EQ("sig-b26=" + serialize_signature_params(parsed->params), kRfcSignatureInput);
}

TEST(Rfc9421Vector, PublishedSignatureVerifies) {
  auto verified = verify_message_signature(rfc_test_request(), rfc_resolver());
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->keyid, kRfcKeyId);
  EXPECT_EQ(verified->label, "sig-b26");
  EXPECT_EQ(verified->metadata.created, 1618884473);
}

TEST(Rfc9421Vector, OurSignatureEqualsThePublishedOne) {
  const Signature ours = rfc_key().sign(as_bytes(kRfcSignatureBase));
  EXPECT_EQ("sig-b26=:" + to_base64(ours.view()) + ":", kRfcSignature);
}

TEST(Rfc9421Vector, PolicyRefusesItForNotCoveringTheDigest) {
  ReplayGuard guard;
  const auto created = std::chrono::system_clock::time_point(1618884473s);
  auto r = verify_request(rfc_test_request(), rfc_resolver(), created, guard);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unauthorized);
  EXPECT_EQ(r.error().message, "missing required component content-digest");
}

// --- Round trip and attacks -----------------------------------------------------------------

constexpr std::int64_t kNow = 1'750'000'000;
const auto kNowTp = std::chrono::system_clock::time_point(std::chrono::seconds(kNow));

struct RequestSigner {
  SigningKey key = SigningKey::from_seed(*Seed::from_hex(std::string(64, '7')));
  std::string did = did_key_from_public_key(key.public_key());
  std::string keyid = did + "#" + did.substr(std::string_view("did:key:").size());
};

HttpRequest fresh_request() {
  HttpRequest r;
  r.method = "POST";
  r.target = "/v1/records?patient=p1&kind=fhir";
  r.authority = "node1.example:8443";
  r.headers.emplace("Content-Type", "application/fhir+json");
  r.body = to_bytes(R"({"resourceType":"Observation","status":"final"})");
  return r;
}

HttpRequest signed_request(const RequestSigner& s, SignOptions opts = {}) {
  HttpRequest r = fresh_request();
  if (opts.keyid.empty()) opts.keyid = s.keyid;
  if (opts.created == 0) opts.created = kNow;
  EXPECT_TRUE(sign_request(r, s.key, opts));
  return r;
}

Result<std::string> verify(const HttpRequest& r, ReplayGuard& guard,
                           std::chrono::system_clock::time_point now = kNowTp) {
  return verify_request(r, resolve_did_key, now, guard);
}

// Asserts a refusal whose message contains `why`.
void expect_refused(const Result<std::string>& r, std::string_view why) {
  ASSERT_FALSE(r) << "accepted, expected refusal: " << why;
  EXPECT_EQ(r.error().code, Errc::unauthorized) << r.error().message;
  EXPECT_NE(r.error().message.find(why), std::string::npos) << r.error().message;
}

TEST(HttpSignature, SignedRequestVerifiesAndNamesTheSigner) {
  const RequestSigner s;
  const HttpRequest r = signed_request(s);
  EXPECT_EQ(*combined_header_value(r.headers, "content-digest"), content_digest(r.body));
  const std::string input = *combined_header_value(r.headers, "signature-input");
  EXPECT_EQ(input,
            R"(sig1=("@method" "@authority" "@path" "@query" "content-digest" "content-type"))"
            ";created=1750000000;keyid=\"" +
                s.keyid + "\";alg=\"ed25519\"");
  ReplayGuard guard;
  auto keyid = verify(r, guard);
  ASSERT_TRUE(keyid) << keyid.error().message;
  EXPECT_EQ(*keyid, s.keyid);
}

TEST(HttpSignature, OptionalParametersAreSignedAndChecked) {
  const RequestSigner s;
  SignOptions opts;
  opts.nonce = "n-1";
  opts.tag = "pv-request";
  opts.expires = kNow + 60;
  const HttpRequest r = signed_request(s, opts);
  ReplayGuard guard;
  EXPECT_TRUE(verify(r, guard));
  ReplayGuard other;
  expect_refused(verify(r, other, kNowTp + 61s), "expired");
}

TEST(HttpSignature, EveryFlippedSignatureByteIsRefused) {
  const RequestSigner s;
  const HttpRequest good = signed_request(s);
  auto parsed = parse_signature_fields(*combined_header_value(good.headers, "signature-input"),
                                       *combined_header_value(good.headers, "signature"), "sig1");
  ASSERT_TRUE(parsed);
  for (std::size_t i = 0; i < Signature::size(); ++i) {
    Signature sig = parsed->signature;
    sig.bytes[i] ^= 0x01;
    HttpRequest r = good;
    set_header(r.headers, "Signature", "sig1=:" + to_base64(sig.view()) + ":");
    ReplayGuard guard;
    expect_refused(verify(r, guard), "bad signature");
  }
}

TEST(HttpSignature, EveryFlippedBodyByteIsADigestMismatch) {
  const RequestSigner s;
  const HttpRequest good = signed_request(s);
  for (std::size_t i = 0; i < good.body.size(); ++i) {
    HttpRequest r = good;
    r.body[i] ^= 0x20;
    ReplayGuard guard;
    expect_refused(verify(r, guard), "content-digest mismatch");
  }
  HttpRequest longer = good;
  longer.body.push_back(' ');
  ReplayGuard guard;
  expect_refused(verify(longer, guard), "content-digest mismatch");
}

TEST(HttpSignature, ARecomputedDigestDoesNotHelpTheAttacker) {
  const RequestSigner s;
  HttpRequest r = signed_request(s);
  r.body = to_bytes(R"({"resourceType":"Observation","status":"cancelled"})");
  set_header(r.headers, "Content-Digest", content_digest(r.body));
  ReplayGuard guard;
  expect_refused(verify(r, guard), "bad signature");
}

TEST(HttpSignature, ChangedMethodPathQueryAuthorityOrTypeIsRefused) {
  const RequestSigner s;
  const HttpRequest good = signed_request(s);
  const std::vector<std::function<void(HttpRequest&)>> tampers = {
      [](HttpRequest& r) { r.method = "PUT"; },
      [](HttpRequest& r) { r.method = "post"; },
      [](HttpRequest& r) { r.target = "/v1/records/other?patient=p1&kind=fhir"; },
      [](HttpRequest& r) { r.target = "/v1/records?patient=p2&kind=fhir"; },
      [](HttpRequest& r) { r.authority = "node2.example:8443"; },
      [](HttpRequest& r) { set_header(r.headers, "Content-Type", "text/plain"); },
  };
  for (const auto& tamper : tampers) {
    HttpRequest r = good;
    tamper(r);
    ReplayGuard guard;
    expect_refused(verify(r, guard), "bad signature");
  }
  HttpRequest no_query = good;
  no_query.target = "/v1/records";
  ReplayGuard guard;
  expect_refused(verify(no_query, guard), "bad signature");
}

TEST(HttpSignature, EachRequiredComponentMustBeCovered) {
  const RequestSigner s;
  const std::vector<std::string> all = {"@method", "@authority", "@path", "@query",
                                        "content-digest"};
  for (const std::string required : {"@method", "@path", "content-digest", "@query"}) {
    SignOptions opts;
    for (const auto& c : all)
      if (c != required) opts.components.push_back(c);
    ReplayGuard guard;
    expect_refused(verify(signed_request(s, opts), guard),
                   "missing required component " + required);
  }
}

TEST(HttpSignature, CreatedIsRequired) {
  const RequestSigner s;
  HttpRequest r = fresh_request();
  set_header(r.headers, "Content-Digest", content_digest(r.body));
  SignatureParams params{default_covered_components(r), {{"keyid", s.keyid}}};
  auto base = signature_base(r, params);
  ASSERT_TRUE(base);
  const Signature sig = s.key.sign(as_bytes(*base));
  set_header(r.headers, "Signature-Input", "sig1=" + serialize_signature_params(params));
  set_header(r.headers, "Signature", "sig1=:" + to_base64(sig.view()) + ":");
  ReplayGuard guard;
  expect_refused(verify(r, guard), "missing required parameter created");
}

TEST(HttpSignature, CreatedOutsideTheSkewIsRefused) {
  const RequestSigner s;
  ReplayGuard guard;
  SignOptions stale;
  stale.created = kNow - 360;
  expect_refused(verify(signed_request(s, stale), guard), "stale signature");
  SignOptions future;
  future.created = kNow + 360;
  expect_refused(verify(signed_request(s, future), guard), "in the future");
  // Within the skew either way is fine.
  SignOptions late;
  late.created = kNow - 299;
  EXPECT_TRUE(verify(signed_request(s, late), guard));
  SignOptions early;
  early.created = kNow + 299;
  EXPECT_TRUE(verify(signed_request(s, early), guard));
}

TEST(HttpSignature, ReplayIsRefusedButANonceMakesARepeatDistinct) {
  const RequestSigner s;
  ReplayGuard guard;
  const HttpRequest r = signed_request(s);
  ASSERT_TRUE(verify(r, guard));
  expect_refused(verify(r, guard), "replayed signature");
  // Headers that are not covered do not make a replay new.
  HttpRequest dressed = r;
  dressed.headers.emplace("X-Forwarded-For", "10.0.0.1");
  expect_refused(verify(dressed, guard, kNowTp + 10s), "replayed signature");
  SignOptions again;
  again.nonce = "second";
  EXPECT_TRUE(verify(signed_request(s, again), guard));
}

TEST(HttpSignature, WrongOrUnknownKeyIsRefused) {
  const RequestSigner s;
  const RequestSigner other{SigningKey::from_seed(*Seed::from_hex(std::string(64, '8')))};
  ReplayGuard guard;
  SignOptions claim_other;
  claim_other.keyid = other.keyid;  // signed by s, claims to be `other`
  expect_refused(verify(signed_request(s, claim_other), guard), "bad signature");
  SignOptions unknown;
  unknown.keyid = "did:pv:unknown#key-1";
  expect_refused(verify(signed_request(s, unknown), guard), "unknown key");
  SignOptions wrong_fragment;
  wrong_fragment.keyid = s.did + "#z6MkWrong";
  expect_refused(verify(signed_request(s, wrong_fragment), guard), "unknown key");
}

TEST(HttpSignature, MissingHeadersAndOtherAlgorithmsAreRefused) {
  const RequestSigner s;
  const HttpRequest good = signed_request(s);
  ReplayGuard guard;
  HttpRequest bare = fresh_request();
  expect_refused(verify(bare, guard), "missing signature");
  for (const char* header : {"Signature", "Signature-Input"}) {
    HttpRequest r = good;
    r.headers.erase(header);
    expect_refused(verify(r, guard), "missing signature");
  }
  HttpRequest no_digest = good;
  no_digest.headers.erase("content-digest");
  expect_refused(verify(no_digest, guard), "missing Content-Digest");
  HttpRequest rsa = good;
  std::string input = *combined_header_value(rsa.headers, "signature-input");
  input.replace(input.find("ed25519"), 7, "rsa-v1_5-sha256");
  set_header(rsa.headers, "Signature-Input", input);
  expect_refused(verify(rsa, guard), "unsupported alg");
}

// --- Malformed headers: refused, never a crash ----------------------------------------------

TEST(HttpSignatureMalformed, EveryTruncationIsRefused) {
  const RequestSigner s;
  const HttpRequest good = signed_request(s);
  for (const char* header : {"Signature-Input", "Signature"}) {
    const std::string full = *combined_header_value(good.headers, header);
    for (std::size_t n = 0; n < full.size(); ++n) {
      HttpRequest r = good;
      set_header(r.headers, header, full.substr(0, n));
      ReplayGuard guard;
      auto result = verify(r, guard);
      ASSERT_FALSE(result) << header << " truncated to " << n;
      EXPECT_EQ(result.error().code, Errc::unauthorized);
    }
  }
}

TEST(HttpSignatureMalformed, EverySingleByteChangeIsRefused) {
  const RequestSigner s;
  const HttpRequest good = signed_request(s);
  for (const char* header : {"Signature-Input", "Signature"}) {
    const std::string full = *combined_header_value(good.headers, header);
    for (std::size_t i = 0; i < full.size(); ++i) {
      for (int c : {0, int{'\t'}, int{' '}, int{'"'}, int{'('}, int{')'}, int{','}, int{';'},
                    int{'='}, int{':'}, int{'\\'}, int{'A'}, int{'z'}, int{'9'}, 0xff}) {
        if (static_cast<char>(c) == full[i]) continue;
        std::string mutated = full;
        mutated[i] = static_cast<char>(c);
        HttpRequest r = good;
        set_header(r.headers, header, mutated);
        ReplayGuard guard;
        EXPECT_FALSE(verify(r, guard)) << header << " byte " << i << " -> " << c;
      }
    }
  }
}

TEST(HttpSignatureMalformed, RandomBytesNeverCrashOrVerify) {
  const RequestSigner s;
  const HttpRequest good = signed_request(s);
  std::mt19937 rng(9421);
  const std::string alphabet = "sig1=(\"@method\" ;created=keyid:,?0-9)\\ \t";
  for (int round = 0; round < 3000; ++round) {
    std::string input;
    std::string sig;
    const std::size_t len = rng() % 96;
    for (std::size_t i = 0; i < len; ++i) {
      // Half the rounds draw from a grammar-flavoured alphabet to get deeper into the parser.
      const char c =
          (round % 2 == 0) ? static_cast<char>(rng() & 0xff) : alphabet[rng() % alphabet.size()];
      (i % 2 == 0 ? input : sig).push_back(c);
    }
    (void)parse_signature_fields(input, sig, {});
    (void)sf::parse_dictionary(input);
    HttpRequest r = good;
    set_header(r.headers, round % 3 == 0 ? "Signature" : "Signature-Input", input);
    ReplayGuard guard;
    EXPECT_FALSE(verify(r, guard));
  }
}

TEST(HttpSignatureMalformed, StructuredFieldEdgeCases) {
  const char* bad[] = {
      "sig1=(\"@method\"",                      // unterminated inner list
      "sig1=(\"@method\"\"@path\")",            // items without a space
      "sig1=(\"a\");created=1234567890123456",  // 16-digit integer
      "sig1=(\"a\");created=1.5",               // decimal
      "sig1=(\"a\");created=1;created=2",       // repeated parameter
      "sig1=(\"a\"), sig1=(\"b\")",             // repeated key
      "sig1=(\"a\"),",                          // trailing comma
      "Sig1=(\"a\")",                           // upper-case key
      "sig1=(\"a\\n\")",                        // bad escape
      "sig1=:AAA:",                             // base64 without padding
      "sig1=?2",                                // not a boolean
      "sig1=(\"a\") x",                         // junk after member
      "",                                       // empty
  };
  for (const char* text : bad) EXPECT_FALSE(sf::parse_dictionary(text)) << text;
  // Canonical form survives a parse/serialize round trip.
  const std::string canonical = "a=(\"x\" tok;p=?0);n=-12, b, c=:AAE=:;q=\"s\\\"t\"";
  auto dict = sf::parse_dictionary(canonical);
  ASSERT_TRUE(dict) << dict.error().message;
  EXPECT_EQ(sf::serialize_dictionary(*dict), canonical);
}

TEST(HttpSignatureMalformed, SignatureBaseRefusesBadComponentLists) {
  const HttpRequest r = rfc_test_request();
  for (const std::vector<std::string>& components :
       std::vector<std::vector<std::string>>{{"@method", "@method"},
                                             {"Content-Type"},
                                             {"@signature-params"},
                                             {"@target-uri"},
                                             {"x-absent"}}) {
    EXPECT_FALSE(signature_base(r, {components, {}})) << components.front();
  }
  HttpRequest folded = r;
  folded.headers.emplace("X-Folded", "a\r\n b");
  EXPECT_FALSE(signature_base(folded, {{"x-folded"}, {}}));
  auto parsed = parse_signature_fields(R"(s=("@method";req);created=1)", "s=:AA==:", {});
  EXPECT_FALSE(parsed);
}

// --- ReplayGuard and the did:key resolver ----------------------------------------------------

TEST(ReplayGuardTest, ForgetsExpiredEntriesAndFailsClosedWhenFull) {
  ReplayGuard guard(2);
  Signature a, b, c;
  a.bytes[0] = 1;
  b.bytes[0] = 2;
  c.bytes[0] = 3;
  EXPECT_TRUE(guard.check_and_remember(a, 100, 0));
  EXPECT_TRUE(guard.check_and_remember(b, 200, 0));
  auto full = guard.check_and_remember(c, 300, 50);
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, Errc::unavailable);
  EXPECT_FALSE(guard.check_and_remember(a, 100, 100));  // still remembered at its last second
  EXPECT_TRUE(guard.check_and_remember(c, 300, 101));   // a expired, room for c
  EXPECT_EQ(guard.size(), 2u);
  EXPECT_TRUE(guard.check_and_remember(a, 100, 101));  // unacceptable anyway; not stored
  EXPECT_EQ(guard.size(), 2u);
}

TEST(ReplayGuardTest, ConcurrentReplaysAdmitExactlyOne) {
  ReplayGuard guard;
  Signature sig;
  sig.bytes[7] = 42;
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i)
        if (guard.check_and_remember(sig, 1000, 10)) ++admitted;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(admitted.load(), 1);
}

TEST(ResolveDidKey, AcceptsTheDidAndItsKeyFragment) {
  const RequestSigner s;
  EXPECT_EQ(*resolve_did_key(s.did), s.key.public_key());
  EXPECT_EQ(*resolve_did_key(s.keyid), s.key.public_key());
  EXPECT_FALSE(resolve_did_key(s.did + "#key-1"));
  EXPECT_FALSE(resolve_did_key("did:pv:abc#key-1"));
  EXPECT_FALSE(resolve_did_key("#"));
  EXPECT_FALSE(resolve_did_key(""));
}

}  // namespace
}  // namespace pv
