// Transaction encoding: round trips, the docs/encoding.md worked example, and attack tests
// (truncation, every bit flip, wrong key, wrong network, oversize fields, non-canonical signer).

#include "ledger/transaction.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "codec/did_key.hpp"
#include "ledger/anchor.hpp"

namespace pv {
namespace {

// RFC 8032 section 7.1, TEST 1.
constexpr const char* kRfc8032Seed =
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

// The worked example of docs/encoding.md. If this changes, the format changed: update the doc
// (the test below also checks that the doc shows these exact strings).
constexpr const char* kExampleSigner = "did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw";
constexpr const char* kExampleTxHex =
    "50565458"  // magic "PVTX"
    "01"        // version
    "0001"      // type 1 (anchor)
    "00000038"  // signer length 56, then the did:key in ASCII
    "6469643a6b65793a7a364d6b74777570646d4c58565671547a43773469343672"
    "347547796f734758526e5233586a4e345a71376f4d4d7377"
    "0000000000000001"  // nonce 1
    "0000018bcfe56800"  // created_ms 1700000000000
    "00000021"          // payload length 33: algorithm 1 (SHA-256), SHA-256("hello")
    "012cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    // Ed25519 signature over "PatientVault tx v1" 00 || 11*32 || everything above
    "e1f3c2708ff35a24489b3ea8d1d47925eea93c509baadafb22b67890554099b6"
    "92dbdc8bd05cbc2c84007d0d43ba2b0cd9290287e3268bced68ec3b10a066f02";
constexpr const char* kExampleTxId =
    "18121f711ac1f359b1866e8f7cd8792800531a05fe11f60ec673c03935fed26a";

SigningKey test_key(std::uint8_t fill) {
  Seed seed;
  seed.bytes.fill(fill);
  return SigningKey::from_seed(seed);
}

NetworkId network_of(std::uint8_t fill) {
  NetworkId id;
  id.bytes.fill(fill);
  return id;
}

Transaction make_tx(const NetworkId& network, const SigningKey& key, Bytes payload) {
  Transaction tx;
  tx.type = kTxTypeAnchor;
  tx.signer = did_key_from_public_key(key.public_key());
  tx.nonce = 1;
  tx.created_ms = 1700000000000;
  tx.payload = std::move(payload);
  sign_transaction(network, key, tx);
  return tx;
}

Transaction example_tx() {
  auto seed = Seed::from_hex(kRfc8032Seed);
  EXPECT_TRUE(seed);
  const SigningKey key = SigningKey::from_seed(*seed);
  return make_tx(network_of(0x11), key, encode_anchor({sha256(as_bytes("hello"))}));
}

void expect_same(const Transaction& a, const Transaction& b) {
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.signer, b.signer);
  EXPECT_EQ(a.nonce, b.nonce);
  EXPECT_EQ(a.created_ms, b.created_ms);
  EXPECT_EQ(a.payload, b.payload);
  EXPECT_EQ(a.signature, b.signature);
}

std::filesystem::path source_root() {
  const char* data = std::getenv("PV_TEST_DATA");  // <source>/tests/data
  if (data) return std::filesystem::path(data).parent_path().parent_path();
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(Transaction, RoundTrips) {
  const Transaction tx = make_tx(network_of(0x22), test_key(7), to_bytes("any payload"));
  const Bytes encoded = encode_transaction(tx);
  auto back = decode_transaction(encoded);
  ASSERT_TRUE(back) << back.error().message;
  expect_same(*back, tx);
  EXPECT_EQ(encode_transaction(*back), encoded);
  EXPECT_TRUE(verify_transaction_signature(network_of(0x22), *back));
}

TEST(Transaction, RoundTripsEdgeValues) {
  Transaction tx = make_tx(network_of(0x22), test_key(7), {});
  tx.type = 0xffff;
  tx.nonce = ~std::uint64_t{0};
  tx.created_ms = 0;
  sign_transaction(network_of(0x22), test_key(7), tx);
  auto back = decode_transaction(encode_transaction(tx));
  ASSERT_TRUE(back) << back.error().message;
  expect_same(*back, tx);
}

TEST(Transaction, DocWorkedExample) {
  const Transaction tx = example_tx();
  EXPECT_EQ(tx.signer, kExampleSigner);
  const Bytes encoded = encode_transaction(tx);
  EXPECT_EQ(to_hex(encoded), kExampleTxHex);
  EXPECT_EQ(transaction_id(encoded).hex(), kExampleTxId);
  EXPECT_TRUE(verify_transaction_signature(network_of(0x11), tx));

  // The doc shows the same strings, split across lines of at most 64 hex digits.
  std::string doc = read_text(source_root() / "docs" / "encoding.md");
  ASSERT_FALSE(doc.empty()) << "docs/encoding.md not found";
  std::erase_if(doc, [](char c) { return c == '\n' || c == ' ' || c == '|' || c == '`'; });
  EXPECT_NE(doc.find(kExampleTxHex), std::string::npos) << "doc's example hex is stale";
  EXPECT_NE(doc.find(kExampleTxId), std::string::npos) << "doc's example id is stale";
  EXPECT_NE(doc.find(kExampleSigner), std::string::npos) << "doc's example signer is stale";
}

TEST(Transaction, SigningMessageLayout) {
  const Transaction tx = example_tx();
  const Bytes message = signing_message(network_of(0x11), tx);
  const Bytes encoded = encode_transaction(tx);
  const std::string tag = std::string("PatientVault tx v1") + '\0';
  ASSERT_EQ(message.size(), tag.size() + 32 + encoded.size() - 64);
  EXPECT_EQ(as_chars(ByteView(message).first(tag.size())), tag);
  EXPECT_EQ(Bytes(message.begin() + tag.size(), message.begin() + tag.size() + 32),
            Bytes(32, 0x11));
  EXPECT_TRUE(std::equal(encoded.begin(), encoded.end() - 64, message.begin() + tag.size() + 32));
}

TEST(Transaction, EveryTruncationIsRejected) {
  const Bytes encoded = encode_transaction(example_tx());
  for (std::size_t len = 0; len < encoded.size(); ++len) {
    auto r = decode_transaction(ByteView(encoded).first(len));
    ASSERT_FALSE(r) << "truncated to " << len << " bytes still decodes";
    EXPECT_TRUE(r.error().code == Errc::malformed || r.error().code == Errc::non_canonical)
        << len << ": " << r.error().message;
  }
}

// Attack test: no single bit of a signed transaction can change without detection.
TEST(Transaction, EveryBitFlipFailsDecodeOrSignature) {
  const NetworkId network = network_of(0x11);
  const Bytes encoded = encode_transaction(example_tx());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes bad = encoded;
      bad[i] ^= static_cast<std::uint8_t>(1u << bit);
      auto tx = decode_transaction(bad);
      if (!tx) continue;
      EXPECT_FALSE(verify_transaction_signature(network, *tx))
          << "flipping bit " << bit << " of byte " << i << " still verifies";
    }
  }
}

TEST(Transaction, SignatureFromAnotherKeyIsRefused) {
  Transaction tx = example_tx();
  tx.signature = test_key(9).sign(signing_message(network_of(0x11), tx));
  auto status = verify_transaction_signature(network_of(0x11), tx);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::bad_signature);
  EXPECT_NE(status.error().message.find("signature"), std::string::npos);

  // A valid signature of another signer cannot be claimed by relabelling the signer.
  Transaction other = make_tx(network_of(0x11), test_key(9), tx.payload);
  other.signer = tx.signer;
  EXPECT_FALSE(verify_transaction_signature(network_of(0x11), other));
}

TEST(Transaction, SignatureForAnotherNetworkIsRefused) {
  const Transaction tx = example_tx();
  auto status = verify_transaction_signature(network_of(0x12), tx);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::bad_signature);
}

TEST(Transaction, TrailingByteIsRefused) {
  Bytes encoded = encode_transaction(example_tx());
  encoded.push_back(0x00);
  auto r = decode_transaction(encoded);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::non_canonical);
  EXPECT_NE(r.error().message.find("trailing"), std::string::npos);
}

TEST(Transaction, PayloadLimitIsEnforced) {
  const SigningKey key = test_key(3);
  auto at_limit = decode_transaction(
      encode_transaction(make_tx(network_of(1), key, Bytes(kMaxPayloadBytes, 0xab))));
  EXPECT_TRUE(at_limit) << at_limit.error().message;

  auto over = decode_transaction(
      encode_transaction(make_tx(network_of(1), key, Bytes(kMaxPayloadBytes + 1, 0xab))));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, Errc::too_large);
  EXPECT_NE(over.error().message.find("payload"), std::string::npos);

  auto whole =
      decode_transaction(encode_transaction(make_tx(network_of(1), key, Bytes(kMaxTxBytes, 0xab))));
  ASSERT_FALSE(whole);
  EXPECT_EQ(whole.error().code, Errc::too_large);
}

TEST(Transaction, OversizeSignerIsRefused) {
  Transaction tx = example_tx();
  tx.signer = "did:key:z" + std::string(kMaxSignerBytes, 'a');
  auto r = decode_transaction(encode_transaction(tx));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::too_large);
  EXPECT_NE(r.error().message.find("signer"), std::string::npos);
}

TEST(Transaction, NonCanonicalSignerIsRefused) {
  const std::string good = kExampleSigner;
  const std::string bad_signers[] = {
      "",
      "did:web:hospital.example",
      "did:key:" + good.substr(8).replace(0, 1, "Z"),              // not base58btc multibase
      good + "1",                                                  // trailing zero byte
      "did:key:z1" + good.substr(9),                               // leading zero byte
      " " + good,                                                  // leading space
      "DID:KEY:" + good.substr(8),                                 // other case
      "did:key:z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc",  // X25519 (0xec01)
      good.substr(0, good.size() - 1) + "0",                       // outside the alphabet
  };
  Transaction tx = example_tx();
  for (const auto& signer : bad_signers) {
    tx.signer = signer;
    auto r = decode_transaction(encode_transaction(tx));
    ASSERT_FALSE(r) << "signer \"" << signer << "\" accepted";
    EXPECT_TRUE(r.error().code == Errc::malformed || r.error().code == Errc::non_canonical);
    EXPECT_NE(r.error().message.find("signer"), std::string::npos) << r.error().message;
    EXPECT_FALSE(verify_transaction_signature(network_of(0x11), tx));
  }
}

TEST(Transaction, HeaderFieldsAreChecked) {
  const Bytes encoded = encode_transaction(example_tx());
  auto expect_refused = [](Bytes bad, const char* field) {
    auto r = decode_transaction(bad);
    ASSERT_FALSE(r) << field;
    EXPECT_EQ(r.error().code, Errc::malformed) << field;
    EXPECT_NE(r.error().message.find(field), std::string::npos) << r.error().message;
  };
  Bytes magic = encoded;
  magic[0] = 'X';
  expect_refused(magic, "magic");
  Bytes version = encoded;
  version[4] = 2;
  expect_refused(version, "version");
  Bytes type = encoded;
  type[5] = 0;
  type[6] = 0;
  expect_refused(type, "type");
}

// Regenerates fuzz/corpus/transaction_fuzz when PV_WRITE_FUZZ_CORPUS=1, and always checks that
// every committed seed decodes canonically (a seed that no longer decodes is a wasted seed).
TEST(Transaction, FuzzSeedCorpus) {
  const auto dir = source_root() / "fuzz" / "corpus" / "transaction_fuzz";
  if (std::getenv("PV_WRITE_FUZZ_CORPUS")) {
    std::filesystem::create_directories(dir);
    const NetworkId network = network_of(0x11);
    const Transaction seeds[] = {
        example_tx(),
        make_tx(network, test_key(1), {}),
        make_tx(network, test_key(2), Bytes(300, 0x5a)),
    };
    int n = 0;
    for (const auto& tx : seeds) {
      const Bytes bytes = encode_transaction(tx);
      std::ofstream(dir / ("seed-" + std::to_string(n++)), std::ios::binary)
          .write(reinterpret_cast<const char*>(bytes.data()),
                 static_cast<std::streamsize>(bytes.size()));
    }
  }
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  int seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string text = read_text(entry.path());
    const Bytes bytes = to_bytes(text);
    auto tx = decode_transaction(bytes);
    ASSERT_TRUE(tx) << entry.path() << ": " << tx.error().message;
    EXPECT_EQ(encode_transaction(*tx), bytes);
    ++seeds;
  }
  EXPECT_GE(seeds, 3);
}

}  // namespace
}  // namespace pv
