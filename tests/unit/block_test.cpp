// Block encoding: round trips, a reference computation of tx_results_hash, and attack tests
// (header bit flips, body byte flips, truncation, seal forgery, lying counts).

#include "ledger/block.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "codec/binary.hpp"
#include "codec/did_key.hpp"
#include "ledger/anchor.hpp"

namespace pv {
namespace {

constexpr std::size_t kHeaderBytes = 193;
constexpr std::size_t kSealBytes = 96;
// "PVBK", u32 header length, header, u32 count.
constexpr std::size_t kBodyOffset = 4 + 4 + kHeaderBytes + 4;

SigningKey test_key(std::uint8_t fill) {
  Seed seed;
  seed.bytes.fill(fill);
  return SigningKey::from_seed(seed);
}

template <std::size_t N>
FixedBytes<N> filled(std::uint8_t fill) {
  FixedBytes<N> out;
  out.bytes.fill(fill);
  return out;
}

Bytes signed_anchor(std::uint8_t key_fill, std::uint64_t nonce) {
  const SigningKey key = test_key(key_fill);
  Transaction tx;
  tx.type = kTxTypeAnchor;
  tx.signer = did_key_from_public_key(key.public_key());
  tx.nonce = nonce;
  tx.created_ms = 1700000000000;
  tx.payload = encode_anchor({sha256(as_bytes("hello"))});
  sign_transaction(filled<32>(0x11), key, tx);
  return encode_transaction(tx);
}

// Transactions are stored whether or not they are valid, so one of them is not even a
// transaction.
Block sample_block() {
  Block b;
  b.header.network = filled<32>(0x11);
  b.header.height = 5;
  b.header.prev_hash = filled<32>(0x22);
  b.header.time_ms = 1700000000123;
  b.header.log_size = 42;
  b.header.log_root = filled<32>(0x33);
  b.header.state_digest = filled<32>(0x44);
  b.transactions = {signed_anchor(1, 1), to_bytes("not a transaction"), signed_anchor(2, 1)};
  b.results = {{TxCode::valid, ""},
               {TxCode::malformed, "transaction magic is not \"PVTX\""},
               {TxCode::stale_nonce, "nonce 1 is not above 3"}};
  b.header.tx_count = 3;
  b.header.tx_results_hash = tx_results_hash(b.transactions, b.results);
  b.seal = seal_block(b.header, test_key(0x77));
  return b;
}

void expect_same(const Block& a, const Block& b) {
  EXPECT_EQ(encode_block_header(a.header), encode_block_header(b.header));
  EXPECT_EQ(a.transactions, b.transactions);
  ASSERT_EQ(a.results.size(), b.results.size());
  for (std::size_t i = 0; i < a.results.size(); ++i) {
    EXPECT_EQ(a.results[i].code, b.results[i].code);
    EXPECT_EQ(a.results[i].reason, b.results[i].reason);
  }
  EXPECT_EQ(a.seal.node_key, b.seal.node_key);
  EXPECT_EQ(a.seal.signature, b.seal.signature);
}

// Re-encodes `b` after recomputing the header's count and results hash, so that a test can
// present a body that is wrong in one specific way and otherwise consistent.
Bytes reencode_consistent(Block b) {
  b.header.tx_count = static_cast<std::uint32_t>(b.transactions.size());
  b.header.tx_results_hash = tx_results_hash(b.transactions, b.results);
  return encode_block(b);
}

std::filesystem::path source_root() {
  const char* data = std::getenv("PV_TEST_DATA");  // <source>/tests/data
  if (data) return std::filesystem::path(data).parent_path().parent_path();
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
}

TEST(Block, CodeNames) {
  EXPECT_STREQ(tx_code_name(TxCode::valid), "valid");
  EXPECT_STREQ(tx_code_name(TxCode::bad_signature), "bad-signature");
  EXPECT_STREQ(tx_code_name(TxCode::unauthorized), "unauthorized");
  EXPECT_STREQ(tx_code_name(static_cast<TxCode>(99)), "unknown");
}

TEST(Block, HeaderRoundTripsAndHashIsSha256OfEncoding) {
  const Block b = sample_block();
  const Bytes encoded = encode_block_header(b.header);
  ASSERT_EQ(encoded.size(), kHeaderBytes);
  EXPECT_EQ(as_chars(ByteView(encoded).first(4)), "PVBH");
  auto back = decode_block_header(encoded);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(encode_block_header(*back), encoded);
  EXPECT_EQ(block_hash(b.header), sha256(encoded));
}

TEST(Block, RoundTrips) {
  const Block b = sample_block();
  const Bytes encoded = encode_block(b);
  auto back = decode_block(encoded);
  ASSERT_TRUE(back) << back.error().message;
  expect_same(*back, b);
  EXPECT_EQ(encode_block(*back), encoded);
  EXPECT_TRUE(verify_block_seal(back->header, back->seal));
}

TEST(Block, EmptyBlockRoundTrips) {
  Block b;
  b.header.tx_results_hash = tx_results_hash({}, {});
  EXPECT_EQ(b.header.tx_results_hash, sha256(ByteView{}));
  auto back = decode_block(encode_block(b));
  ASSERT_TRUE(back) << back.error().message;
  expect_same(*back, b);
}

// A plain reference computation: concatenate every entry, hash once.
TEST(Block, TxResultsHashMatchesReference) {
  const Block b = sample_block();
  Bytes all;
  for (std::size_t i = 0; i < b.transactions.size(); ++i) {
    const Hash32 id = sha256(b.transactions[i]);
    all.insert(all.end(), id.bytes.begin(), id.bytes.end());
    const auto code = static_cast<std::uint16_t>(b.results[i].code);
    all.push_back(static_cast<std::uint8_t>(code >> 8));
    all.push_back(static_cast<std::uint8_t>(code));
    const auto len = static_cast<std::uint32_t>(b.results[i].reason.size());
    for (int shift = 24; shift >= 0; shift -= 8)
      all.push_back(static_cast<std::uint8_t>(len >> shift));
    all.insert(all.end(), b.results[i].reason.begin(), b.results[i].reason.end());
  }
  EXPECT_EQ(tx_results_hash(b.transactions, b.results), sha256(all));
}

// Attack test: a header bit cannot change without changing the block hash (so the seal and
// the next block's prev_hash no longer match) or failing to decode.
TEST(Block, EveryHeaderBitFlipChangesHashOrFailsDecode) {
  const Block b = sample_block();
  const Bytes encoded = encode_block_header(b.header);
  const BlockHash original = block_hash(b.header);
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes bad = encoded;
      bad[i] ^= static_cast<std::uint8_t>(1u << bit);
      auto h = decode_block_header(bad);
      if (!h) continue;
      EXPECT_NE(block_hash(*h), original) << "byte " << i << " bit " << bit;
      EXPECT_FALSE(verify_block_seal(*h, b.seal)) << "byte " << i << " bit " << bit;
    }
  }
}

TEST(Block, EveryTruncationIsRejected) {
  const Bytes encoded = encode_block(sample_block());
  for (std::size_t len = 0; len < encoded.size(); ++len)
    ASSERT_FALSE(decode_block(ByteView(encoded).first(len))) << "truncated to " << len;
  const Bytes header = encode_block_header(sample_block().header);
  for (std::size_t len = 0; len < header.size(); ++len)
    ASSERT_FALSE(decode_block_header(ByteView(header).first(len))) << "header truncated to " << len;
}

// Attack test: every byte of the body (transactions and results) is covered by the header.
TEST(Block, EveryBodyByteFlipFailsDecode) {
  const Bytes encoded = encode_block(sample_block());
  std::size_t hash_mismatches = 0;
  for (std::size_t i = kBodyOffset; i < encoded.size() - kSealBytes; ++i) {
    Bytes bad = encoded;
    bad[i] ^= 0x01;
    auto r = decode_block(bad);
    ASSERT_FALSE(r) << "flipping body byte " << i << " still decodes";
    if (r.error().message.find("tx_results_hash") != std::string::npos) ++hash_mismatches;
  }
  // Most flips land in transaction or reason bytes and are caught by the hash itself.
  EXPECT_GT(hash_mismatches, (encoded.size() - kBodyOffset - kSealBytes) / 2);
}

TEST(Block, SealBytesAreOutsideTheHashButChecked) {
  const Block b = sample_block();
  const Bytes encoded = encode_block(b);
  for (std::size_t i = encoded.size() - kSealBytes; i < encoded.size(); ++i) {
    Bytes bad = encoded;
    bad[i] ^= 0x01;
    auto r = decode_block(bad);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(block_hash(r->header), block_hash(b.header));
    EXPECT_FALSE(verify_block_seal(r->header, r->seal)) << "seal byte " << i;
  }
}

TEST(Block, SealForgeryIsRefused) {
  const Block b = sample_block();
  ASSERT_TRUE(verify_block_seal(b.header, b.seal));

  BlockSeal other_key = b.seal;  // a valid signature claimed by another node
  other_key.node_key = test_key(0x78).public_key();
  auto status = verify_block_seal(b.header, other_key);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::bad_signature);

  BlockHeader moved = b.header;  // the same seal on another block
  moved.height += 1;
  EXPECT_FALSE(verify_block_seal(moved, b.seal));

  // A signature over the bare block hash (no domain tag) is not a seal.
  BlockSeal no_domain{b.seal.node_key, test_key(0x77).sign(block_hash(b.header).view())};
  EXPECT_FALSE(verify_block_seal(b.header, no_domain));

  EXPECT_FALSE(verify_block_seal(b.header, BlockSeal{}));
}

TEST(Block, TrailingByteIsRefused) {
  Bytes encoded = encode_block(sample_block());
  encoded.push_back(0);
  auto r = decode_block(encoded);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::non_canonical);

  Bytes header = encode_block_header(sample_block().header);
  header.push_back(0);
  EXPECT_FALSE(decode_block_header(header));
}

TEST(Block, CountMustMatchHeader) {
  Block b = sample_block();
  b.header.tx_count = 2;
  auto r = decode_block(encode_block(b));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("tx_count"), std::string::npos) << r.error().message;
}

// A 200-byte block that claims 100,000 transactions is refused before anything is allocated for
// them: the count check compares against the bytes actually present.
TEST(Block, HugeCountWithTinyBodyIsRejected) {
  BlockHeader h;
  h.tx_count = static_cast<std::uint32_t>(kMaxBlockTransactions);
  BinaryWriter w;
  w.raw(as_bytes("PVBK"));
  w.var(encode_block_header(h));
  w.u32(h.tx_count);
  w.raw(Bytes(kSealBytes, 0));
  auto r = decode_block(w.bytes());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::malformed);
  EXPECT_NE(r.error().message.find("does not fit"), std::string::npos) << r.error().message;

  h.tx_count = 0xffffffff;  // over the limit outright
  auto over = decode_block_header(encode_block_header(h));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, Errc::too_large);
}

TEST(Block, UnknownCodeIsRejected) {
  Block b = sample_block();
  b.results[1].code = static_cast<TxCode>(10);
  auto r = decode_block(reencode_consistent(b));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("code 10"), std::string::npos) << r.error().message;
}

TEST(Block, ValidResultWithReasonIsNonCanonical) {
  Block b = sample_block();
  b.results[0].reason = "fine";
  auto r = decode_block(reencode_consistent(b));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::non_canonical);
}

TEST(Block, OversizeFieldsAreRejected) {
  Block reason = sample_block();
  reason.results[1].reason.assign(kMaxReasonBytes + 1, 'x');
  auto r1 = decode_block(reencode_consistent(reason));
  ASSERT_FALSE(r1);
  EXPECT_EQ(r1.error().code, Errc::too_large);

  Block tx = sample_block();
  tx.transactions[1].assign(kMaxTxBytes + 1, 0xab);
  auto r2 = decode_block(reencode_consistent(tx));
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().code, Errc::too_large);

  tx.transactions[1].assign(kMaxTxBytes, 0xab);  // at the limit: fine
  EXPECT_TRUE(decode_block(reencode_consistent(tx)));
}

TEST(Block, WrongMagicOrVersionIsRejected) {
  Bytes encoded = encode_block(sample_block());
  Bytes magic = encoded;
  magic[3] = 'X';
  EXPECT_FALSE(decode_block(magic));
  Bytes version = encoded;
  version[8 + 4] = 2;  // the header's version byte
  auto r = decode_block(version);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("version"), std::string::npos);
}

// Regenerates fuzz/corpus/block_fuzz when PV_WRITE_FUZZ_CORPUS=1, and always checks that every
// committed seed decodes canonically.
TEST(Block, FuzzSeedCorpus) {
  const auto dir = source_root() / "fuzz" / "corpus" / "block_fuzz";
  if (std::getenv("PV_WRITE_FUZZ_CORPUS")) {
    std::filesystem::create_directories(dir);
    Block empty;
    empty.header.tx_results_hash = tx_results_hash({}, {});
    empty.seal = seal_block(empty.header, test_key(0x77));
    Block one = sample_block();
    one.transactions.resize(1);
    one.results.resize(1);
    const Bytes seeds[] = {encode_block(empty), reencode_consistent(one),
                           encode_block(sample_block()),
                           encode_block_header(sample_block().header)};
    int n = 0;
    for (const auto& bytes : seeds)
      std::ofstream(dir / ("seed-" + std::to_string(n++)), std::ios::binary)
          .write(reinterpret_cast<const char*>(bytes.data()),
                 static_cast<std::streamsize>(bytes.size()));
  }
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  int seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Seeds are whole blocks, except one bare header for the header decoder.
    if (auto b = decode_block(bytes)) {
      EXPECT_EQ(encode_block(*b), bytes) << entry.path();
    } else {
      auto h = decode_block_header(bytes);
      ASSERT_TRUE(h) << entry.path() << ": " << b.error().message;
      EXPECT_EQ(encode_block_header(*h), bytes);
    }
    ++seeds;
  }
  EXPECT_GE(seeds, 4);
}

}  // namespace
}  // namespace pv
