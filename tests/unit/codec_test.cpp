#include <gtest/gtest.h>

#include "codec/binary.hpp"
#include "codec/did_key.hpp"

namespace pv {
namespace {

TEST(Hex, RoundTripsAndRejectsBadInput) {
  Bytes data = {0x00, 0x7f, 0xff, 0x10};
  EXPECT_EQ(to_hex(data), "007fff10");
  EXPECT_EQ(*from_hex("007FFF10"), data);
  EXPECT_FALSE(from_hex("abc"));
  EXPECT_FALSE(from_hex("zz"));
}

// RFC 4648 section 10 test vectors.
TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(to_base64(as_bytes(plain)), encoded);
    auto back = from_base64(encoded);
    ASSERT_TRUE(back);
    EXPECT_EQ(as_chars(*back), plain);
  }
  EXPECT_FALSE(from_base64("Zg="));    // bad length
  EXPECT_FALSE(from_base64("Zh=="));   // non-zero trailing bits
  EXPECT_FALSE(from_base64("Z!=="));   // outside the alphabet
}

// Vectors from the base58btc multibase draft (draft-msporny-base58).
TEST(Base58, DraftVectors) {
  EXPECT_EQ(base58btc_encode(as_bytes("Hello World!")), "2NEpo7TZRRrLZSi2U");
  EXPECT_EQ(base58btc_encode(as_bytes("The quick brown fox jumps over the lazy dog.")),
            "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z");
  Bytes leading_zeros = {0x00, 0x00, 0x28, 0x7f, 0xb4, 0xcd};
  EXPECT_EQ(base58btc_encode(leading_zeros), "11233QC4");
  EXPECT_EQ(*base58btc_decode("11233QC4"), leading_zeros);
  EXPECT_FALSE(base58btc_decode("0OIl"));
}

// The did:key spec's Ed25519 example (test vector from the W3C CCG did:key specification).
TEST(DidKey, SpecExampleRoundTrips) {
  const std::string did = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";
  auto key = public_key_from_did_key(did);
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(did_key_from_public_key(*key), did);
}

TEST(DidKey, RejectsOtherMethodsCodecsAndCorruption) {
  auto key = SigningKey::generate();
  std::string did = did_key_from_public_key(key.public_key());
  EXPECT_EQ(did.rfind("did:key:z6Mk", 0), 0u);
  EXPECT_FALSE(public_key_from_did_key("did:web:example.com"));
  EXPECT_FALSE(public_key_from_did_key(did.substr(0, did.size() - 1)));
  // secp256k1 did:key (multicodec 0xe7) is refused.
  EXPECT_FALSE(public_key_from_did_key("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"));
}

TEST(BinaryReader, RejectsTruncationOversizeAndTrailingBytes) {
  BinaryWriter w;
  w.u16(7);
  w.var(std::string_view("hello"));
  Bytes b = w.take();
  {
    BinaryReader r(b);
    EXPECT_EQ(*r.u16("type"), 7);
    EXPECT_EQ(*r.text(16, "name"), "hello");
    EXPECT_TRUE(r.expect_end("record"));
  }
  {
    BinaryReader r(b);
    (void)r.u16("type");
    auto t = r.text(4, "name");
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().code, Errc::too_large);
  }
  Bytes truncated(b.begin(), b.end() - 1);
  BinaryReader r(truncated);
  (void)r.u16("type");
  EXPECT_FALSE(r.text(16, "name"));
  Bytes trailing = b;
  trailing.push_back(0);
  BinaryReader r2(trailing);
  (void)r2.u16("type");
  (void)r2.text(16, "name");
  EXPECT_FALSE(r2.expect_end("record"));
}

TEST(Ed25519, SignVerifyAndRejectForgery) {
  auto key = SigningKey::generate();
  Bytes msg = to_bytes("consent");
  Signature sig = key.sign(msg);
  EXPECT_TRUE(ed25519_verify(key.public_key(), msg, sig));
  for (std::size_t i = 0; i < sig.size(); ++i) {
    Signature bad = sig;
    bad.bytes[i] ^= 0x01;
    EXPECT_FALSE(ed25519_verify(key.public_key(), msg, bad)) << "byte " << i;
  }
  Bytes other = to_bytes("consenT");
  EXPECT_FALSE(ed25519_verify(key.public_key(), other, sig));
}

// RFC 8032 section 7.1, TEST 1.
TEST(Ed25519, Rfc8032Test1) {
  auto seed = Seed::from_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  ASSERT_TRUE(seed);
  auto key = SigningKey::from_seed(*seed);
  EXPECT_EQ(key.public_key().hex(), "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  EXPECT_EQ(key.sign({}).hex(),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
}

}  // namespace
}  // namespace pv
