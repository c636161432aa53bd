// Multiformats pieces of the content level: unsigned varints, base32, CIDs, dag-pb and UnixFS,
// with published vectors and malformed input.

#include <gtest/gtest.h>

#include "content/base32.hpp"
#include "content/cid.hpp"
#include "content/dag_pb.hpp"
#include "content/unixfs.hpp"
#include "content/varint.hpp"

namespace pv::content {
namespace {

// The examples of the multiformats unsigned-varint specification.
TEST(Varint, SpecificationExamples) {
  const std::pair<std::uint64_t, Bytes> vectors[] = {
      {1, {0x01}},         {127, {0x7f}},       {128, {0x80, 0x01}},
      {255, {0xff, 0x01}}, {300, {0xac, 0x02}}, {16384, {0x80, 0x80, 0x01}}};
  for (const auto& [value, encoded] : vectors) {
    Bytes out;
    append_varint(out, value);
    EXPECT_EQ(out, encoded) << value;
    EXPECT_EQ(varint_size(value), encoded.size());
    std::size_t pos = 0;
    auto back = read_varint(encoded, pos, "v");
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, value);
    EXPECT_EQ(pos, encoded.size());
  }
}

TEST(Varint, LargestValueRoundTripsInNineBytes) {
  const std::uint64_t max = (1ULL << 63) - 1;
  Bytes out;
  append_varint(out, max);
  ASSERT_EQ(out.size(), 9u);
  std::size_t pos = 0;
  EXPECT_EQ(*read_varint(out, pos, "v"), max);
}

TEST(Varint, RefusesOverlongTruncatedAndOverflowingEncodings) {
  const Bytes bad[] = {
      {},                                                            // nothing
      {0x80},                                                        // ends inside
      {0xff, 0xff},                                                  // ends inside
      {0x81, 0x00},                                                  // 1 with a trailing zero group
      {0x80, 0x80, 0x00},                                            // 0, overlong
      {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x80, 0x01},  // 2^63: ten bytes
      {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01},
  };
  for (const Bytes& b : bad) {
    std::size_t pos = 0;
    auto r = read_varint(b, pos, "test field");
    ASSERT_FALSE(r) << to_hex(b);
    EXPECT_NE(r.error().message.find("test field"), std::string::npos) << r.error().message;
  }
}

// RFC 4648 section 10 vectors, lower-cased and without padding as multibase 'b' uses them.
TEST(Base32, Rfc4648VectorsLowerCaseUnpadded) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "my"},
                                                         {"fo", "mzxq"},
                                                         {"foo", "mzxw6"},
                                                         {"foob", "mzxw6yq"},
                                                         {"fooba", "mzxw6ytb"},
                                                         {"foobar", "mzxw6ytboi"}};
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(base32_lower_encode(as_bytes(plain)), encoded);
    auto back = base32_lower_decode(encoded);
    ASSERT_TRUE(back) << encoded;
    EXPECT_EQ(as_chars(*back), plain);
  }
  EXPECT_FALSE(base32_lower_decode("MZXW6"));     // upper case
  EXPECT_FALSE(base32_lower_decode("mzxw6==="));  // padding
  EXPECT_FALSE(base32_lower_decode("mzxw7"));     // non-zero trailing bits
  EXPECT_FALSE(base32_lower_decode("m"));         // impossible length
  EXPECT_FALSE(base32_lower_decode("mz1"));       // outside the alphabet
}

// CIDv0 <-> CIDv1 of the same dag-pb content. The strings are the CID specification's examples;
// each pair was converted by the independent multiformats 14.0.5 (npm) CID.toV1()/toV0().
TEST(Cid, V0AndV1OfTheSameContent) {
  const std::pair<const char*, const char*> pairs[] = {
      {"QmY7Yh4UquoXHLPFo2XbhXkhBvFoPwmQUSa92pxnxjQuPU",
       "bafybeierhgbz4zp2x2u67urqrgfnrnlukciupzenpqpipiz5nwtq7uxpx4"},
      {"QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR",
       "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"}};
  for (auto [v0_text, v1_text] : pairs) {
    auto v0 = Cid::parse(v0_text);
    ASSERT_TRUE(v0) << v0.error().message;
    EXPECT_EQ(v0->version(), 0);
    EXPECT_EQ(v0->codec(), Multicodec::dag_pb);
    EXPECT_EQ(v0->to_string(), v0_text);
    EXPECT_EQ(v0->to_v1().to_string(), v1_text);
    auto v1 = Cid::parse(v1_text);
    ASSERT_TRUE(v1) << v1.error().message;
    EXPECT_EQ(v1->version(), 1);
    EXPECT_EQ(v1->digest(), v0->digest());
    EXPECT_EQ(v1->to_string(), v1_text);
    EXPECT_EQ(v1->bytes().size(), kCidV1Size);
    EXPECT_EQ(v0->bytes().size(), 34u);
    EXPECT_EQ(*Cid::decode(v1->bytes()), *v1);
    EXPECT_EQ(*Cid::decode(v0->bytes()), *v0);
  }
}

// The empty block, as raw and as dag-pb: the well-known CIDs of sha2-256("").
TEST(Cid, EmptyBlockVectors) {
  EXPECT_EQ(Cid::of(Multicodec::raw, {}).to_string(),
            "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
  EXPECT_EQ(Cid::of(Multicodec::dag_pb, {}).to_string(),
            "bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
  EXPECT_EQ(Cid::of(Multicodec::raw, {}).digest().hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Cid, MatchesOnlyItsOwnBytes) {
  Bytes block = to_bytes("patient record chunk");
  const Cid cid = Cid::of(Multicodec::raw, block);
  EXPECT_TRUE(cid.matches(block));
  EXPECT_TRUE(verify_block(cid, block));
  block[3] ^= 1;
  EXPECT_FALSE(cid.matches(block));
  auto s = verify_block(cid, block);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Errc::corruption);
  EXPECT_NE(s.error().message.find(cid.to_string()), std::string::npos);
}

TEST(Cid, RefusesMalformedText) {
  const std::string good = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
  const std::string bad[] = {
      "",
      "b",
      "zdj7WhuEjrB52m1BisYCtmjH1hSKa7yZ3jEZ9JcXaFRD51wVz",  // base58btc CIDv1: not accepted
      "BAFYBEIGDYRZT5SFP7UDM7HU76UH7Y26NF3EFUYLQABF3OCLGTQY55FBZDI",  // upper case
      good.substr(0, good.size() - 1),                                // truncated
      good + "a",                                                     // extended
      "QmY7Yh4UquoXHLPFo2XbhXkhBvFoPwmQUSa92pxnxjQuP0",               // '0' is not base58
      "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzd!",
  };
  for (const auto& text : bad) {
    auto r = Cid::parse(text);
    EXPECT_FALSE(r) << text;
    if (!r) {
      EXPECT_FALSE(r.error().message.empty());
    }
  }
}

TEST(Cid, RefusesMalformedBinary) {
  const Cid cid = Cid::of(Multicodec::raw, as_bytes("x"));
  Bytes b = cid.bytes();
  auto with = [&](std::size_t i, std::uint8_t v) {
    Bytes c = b;
    c[i] = v;
    return c;
  };
  const Bytes bad[] = {
      with(0, 2),     // version 2
      with(1, 0x71),  // dag-cbor: not supported
      with(2, 0x13),  // sha2-512
      with(3, 0x1f),  // wrong digest length
      Bytes(b.begin(), b.end() - 1),
      [&] {
        Bytes c = b;
        c.push_back(0);
        return c;
      }(),
      {0x01, 0xd5, 0x00},  // non-minimal codec varint
      {},
  };
  for (const Bytes& bytes : bad) EXPECT_FALSE(Cid::decode(bytes)) << to_hex(bytes);
}

// A dag-pb node with only UnixFS {Type: Directory}: the well-known empty directory of IPFS.
TEST(DagPb, EmptyUnixFsDirectoryVector) {
  PbNode node;
  node.data = encode_unixfs(UnixFsData{UnixFsType::directory, std::nullopt, std::nullopt, {}});
  const Bytes block = encode_pb_node(node);
  EXPECT_EQ(to_hex(block), "0a020801");
  EXPECT_EQ(Cid::v0(Cid::of(Multicodec::dag_pb, block).digest()).to_string(),
            "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn");
}

PbNode two_link_file() {
  PbNode node;
  node.links.push_back({Cid::of(Multicodec::raw, as_bytes("a")), std::string(), 262144});
  node.links.push_back({Cid::of(Multicodec::raw, as_bytes("b")), std::string(), 1});
  node.data = encode_unixfs(UnixFsData{UnixFsType::file, std::nullopt, 262145, {262144, 1}});
  return node;
}

TEST(DagPb, LinksComeBeforeDataAndRoundTrip) {
  const PbNode node = two_link_file();
  const Bytes block = encode_pb_node(node);
  // First field on the wire: Links (field 2, length-delimited) = 0x12; Data (0x0a) is last.
  EXPECT_EQ(block[0], 0x12);
  // PBLink: Hash (0x0a) 36 bytes, Name (0x12) empty, Tsize (0x18) 262144.
  EXPECT_EQ(to_hex(ByteView(block).subspan(2, 2)), "0a24");
  EXPECT_EQ(to_hex(ByteView(block).subspan(40, 6)), "120018808010");
  auto back = decode_pb_node(block);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, node);
  auto fs = decode_unixfs(*back->data);
  ASSERT_TRUE(fs);
  EXPECT_EQ(fs->filesize, 262145u);
  EXPECT_EQ(fs->blocksizes, (std::vector<std::uint64_t>{262144, 1}));
  EXPECT_EQ(to_hex(*back->data),
            "0802188180102080801020"
            "01");
}

TEST(DagPb, StrictDecoderRefusesNonCanonicalAndMalformedNodes) {
  const Bytes good = encode_pb_node(two_link_file());
  const Bytes data_field = {0x0a, 0x02, 0x08, 0x02};
  const Bytes link = Bytes(good.begin(), good.begin() + 2 + good[1]);
  auto cat = [](std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
  };
  const Bytes bad[] = {
      cat({data_field, link}),                     // Data before Links
      cat({data_field, data_field}),               // Data twice
      {0x12, 0x05, 0x0a, 0x03, 0x01, 0x55, 0x12},  // link Hash that is no CID
      {0x12, 0x02, 0x12, 0x00},                    // link without Hash
      {0x1a, 0x00},                                // unknown field 3
      {0x0a, 0x05, 0x01},                          // Data length past the end
      {0x0a},                                      // key without value
      {0x0a, 0x80, 0x00},                          // non-minimal length varint
      {0x08, 0x01},                                // Data with the varint wire type
      Bytes(good.begin(), good.end() - 1),         // truncated
  };
  for (const Bytes& b : bad) {
    auto r = decode_pb_node(b);
    EXPECT_FALSE(r) << to_hex(b);
    if (!r) {
      EXPECT_FALSE(r.error().message.empty());
    }
  }
  // Link fields out of order: Name before Hash.
  Bytes swapped = {0x12, 0x28, 0x12, 0x00, 0x0a, 0x24};
  const Bytes cid = Cid::of(Multicodec::raw, as_bytes("a")).bytes();
  swapped.insert(swapped.end(), cid.begin(), cid.end());
  auto r = decode_pb_node(swapped);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::non_canonical);
  EXPECT_TRUE(decode_pb_node({}));  // the empty node is valid
}

TEST(UnixFs, StrictDecoderRefusesUnsupportedAndMisorderedFields) {
  const Bytes bad[] = {
      {},                              // no Type
      {0x18, 0x01, 0x08, 0x02},        // filesize before Type
      {0x08, 0x02, 0x08, 0x02},        // Type twice
      {0x08, 0x09},                    // unknown type
      {0x08, 0x02, 0x38, 0xa4, 0x03},  // mode: not supported
      {0x08, 0x02, 0x22, 0x01, 0x05},  // packed blocksizes
      {0x08, 0x02, 0x18},              // truncated
  };
  for (const Bytes& b : bad) EXPECT_FALSE(decode_unixfs(b)) << to_hex(b);
  auto ok = decode_unixfs(Bytes{0x08, 0x02, 0x18, 0x03, 0x20, 0x01, 0x20, 0x02});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->blocksizes, (std::vector<std::uint64_t>{1, 2}));
}

}  // namespace
}  // namespace pv::content
