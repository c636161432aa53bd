// Node batches and progress records (cluster mode): round trip, and every attack refused:
// a flipped byte anywhere, a key outside the membership, another network, truncation, trailing
// bytes, an oversize batch.

#include "ordering/node_batch.hpp"

#include <gtest/gtest.h>

#include "ordering/etcd_client.hpp"
#include "ordering/progress_record.hpp"

namespace pv {
namespace {

struct Fixture {
  SigningKey node = SigningKey::generate();
  SigningKey stranger = SigningKey::generate();
  NetworkId net = sha256(as_bytes("network"));
  std::set<PublicKey> members{node.public_key()};
  NodeBatch batch() const {
    NodeBatch b;
    b.node_key = node.public_key();
    b.seq = 7;
    b.time_ms = 1795392000123;
    b.transactions = {to_bytes("first tx"), to_bytes(""), Bytes(300, 0xab)};
    return b;
  }
};

TEST(NodeBatch, RoundTrips) {
  Fixture f;
  Bytes encoded = encode_node_batch(f.net, f.batch(), f.node);
  EXPECT_EQ(encoded.size(), node_batch_size(3, 8 + 0 + 300));
  auto decoded = decode_node_batch(encoded, f.net, f.members);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->node_key, f.node.public_key());
  EXPECT_EQ(decoded->seq, 7u);
  EXPECT_EQ(decoded->time_ms, 1795392000123u);
  EXPECT_EQ(decoded->transactions, f.batch().transactions);
}

TEST(NodeBatch, EveryFlippedByteIsRefused) {
  Fixture f;
  Bytes encoded = encode_node_batch(f.net, f.batch(), f.node);
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    Bytes bad = encoded;
    bad[i] ^= 0x01;
    EXPECT_FALSE(decode_node_batch(bad, f.net, f.members)) << "flip at byte " << i << " accepted";
  }
}

TEST(NodeBatch, RefusesStrangersOtherNetworksTruncationAndTrailingBytes) {
  Fixture f;
  NodeBatch b = f.batch();
  b.node_key = f.stranger.public_key();
  auto stranger = decode_node_batch(encode_node_batch(f.net, b, f.stranger), f.net, f.members);
  ASSERT_FALSE(stranger);
  EXPECT_EQ(stranger.error().code, Errc::unauthorized);
  Bytes encoded = encode_node_batch(f.net, f.batch(), f.node);
  auto other = decode_node_batch(encoded, sha256(as_bytes("another network")), f.members);
  ASSERT_FALSE(other);
  for (std::size_t n = 0; n < encoded.size(); n += 7)
    EXPECT_FALSE(decode_node_batch(ByteView(encoded).subspan(0, n), f.net, f.members))
        << "truncated to " << n;
  Bytes longer = encoded;
  longer.push_back(0);
  EXPECT_FALSE(decode_node_batch(longer, f.net, f.members));
  Bytes huge(kMaxNodeBatchBytes + 1, 0);
  auto too_large = decode_node_batch(huge, f.net, f.members);
  ASSERT_FALSE(too_large);
  EXPECT_EQ(too_large.error().code, Errc::too_large);
}

TEST(NodeBatch, ACountLargerThanTheInputIsRefusedWithoutAllocating) {
  Fixture f;
  NodeBatch b = f.batch();
  b.transactions.clear();
  Bytes encoded = encode_node_batch(f.net, b, f.node);
  // The count sits right before the signature in an empty batch.
  std::size_t at = encoded.size() - 64 - 4;
  encoded[at] = 0xff;
  EXPECT_FALSE(decode_node_batch(encoded, f.net, f.members));
}

TEST(ProgressRecord, RoundTripsAndRefusesTampering) {
  Fixture f;
  ProgressRecord r{f.node.public_key(), 1234, 56, sha256(as_bytes("block")),
                   "http://127.0.0.1:7601"};
  Bytes encoded = encode_progress_record(r, f.node);
  auto back = decode_progress_record(encoded, f.members);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->revision, 1234u);
  EXPECT_EQ(back->height, 56u);
  EXPECT_EQ(back->block_hash, r.block_hash);
  EXPECT_EQ(back->url, r.url);
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    Bytes bad = encoded;
    bad[i] ^= 0x80;
    EXPECT_FALSE(decode_progress_record(bad, f.members)) << "flip at byte " << i << " accepted";
  }
  EXPECT_FALSE(decode_progress_record(encode_progress_record(r, f.stranger), f.members));
}

TEST(EtcdClient, PrefixEndIsTheNextKey) {
  EXPECT_EQ(etcd_prefix_end("pv/ab/"), "pv/ab0");
  EXPECT_EQ(etcd_prefix_end(std::string("a\xff", 2)), "b");
  EXPECT_EQ(etcd_prefix_end(std::string("\xff", 1)), std::string(1, '\0'));
}

}  // namespace
}  // namespace pv
