// The UnixFS importer against CIDs computed by an independent implementation, and the shape and
// streaming behaviour of what it produces. Expected CIDs come from the reference JS importer
// (ipfs-unixfs-importer 17.1.1, Kubo's --cid-version=1 settings, tests/interop/content_interop.mjs)
// run on the same pseudo_random_bytes(size, 7); the interop test recomputes them live.

#include <gtest/gtest.h>

#include "content/dag_pb.hpp"
#include "content/file_importer.hpp"
#include "content/unixfs.hpp"
#include "content_test_support.hpp"

namespace pv::content {
namespace {

using test::pseudo_random_bytes;
using test::RecordingSink;

constexpr std::size_t k174Chunks = kMaxLinksPerNode * kChunkSize;

struct Vector {
  std::size_t size;
  const char* cid;
  std::size_t distinct_blocks;
};

const Vector kReferenceVectors[] = {
    {0, "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", 1},
    {1, "bafkreicbjiq6kjnhlhr772zckvv6mnekslk2cpsawynaqbptn4mmfeevcm", 1},
    {kChunkSize, "bafkreib3fcimd5x5xisy5jbpchwpwilj6szj6gzdtkbp7to6oaa5s5vc7a", 1},
    {kChunkSize + 1, "bafybeicmphiaw46ikizkerx7shntnrmzoif5lsk3ntwrnrzk4dqfpwnjii", 3},
    {k174Chunks, "bafybeibq27lrjlem4ynym77nfleroyumi4y3aephqg6uenrlgicsu25gte", 175},
    {k174Chunks + 1, "bafybeigzbz4olxqc37zrnjxdnvrddq2tyc6e5wuhxquikvzr4urxix3kzu", 178},
};

TEST(FileImporter, MatchesTheReferenceImporterAtEveryBoundary) {
  for (const Vector& v : kReferenceVectors) {
    const Bytes data = pseudo_random_bytes(v.size, 7);
    RecordingSink sink;
    auto result = import_bytes(sink, data);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->root.to_string(), v.cid) << v.size << " bytes";
    EXPECT_EQ(sink.blocks.size(), v.distinct_blocks) << v.size << " bytes";
    EXPECT_EQ(result->file_size, v.size);
    // Post-order: the root is the last block out.
    EXPECT_EQ(sink.order.back(), result->root);
    std::uint64_t total = 0;
    for (const auto& [cid, bytes] : sink.blocks) total += bytes.size();
    EXPECT_EQ(result->dag_size, total) << "dag_size counts every block once (no repeats here)";
  }
}

TEST(FileImporter, PiecesOfAnySizeGiveTheSameDag) {
  const Bytes data = pseudo_random_bytes(3 * kChunkSize + 12345, 11);
  RecordingSink whole;
  auto expected = import_bytes(whole, data);
  ASSERT_TRUE(expected);
  for (std::size_t piece : {1u, 7u, 4096u, 65537u, 262143u, 262145u, 1000000u}) {
    RecordingSink sink;
    FileImporter importer(sink);
    for (std::size_t pos = 0; pos < data.size(); pos += piece)
      ASSERT_TRUE(importer.write(ByteView(data).subspan(pos, std::min(piece, data.size() - pos))));
    ASSERT_TRUE(importer.write({}));
    auto result = importer.finish();
    ASSERT_TRUE(result);
    EXPECT_EQ(result->root, expected->root) << "pieces of " << piece;
    EXPECT_EQ(sink.order, whole.order) << "pieces of " << piece;
  }
}

TEST(FileImporter, EmitsEachLeafAsSoonAsItsChunkIsComplete) {
  RecordingSink sink;
  FileImporter importer(sink);
  const Bytes data = pseudo_random_bytes(kChunkSize + 10, 3);
  ASSERT_TRUE(importer.write(ByteView(data).first(kChunkSize - 1)));
  EXPECT_TRUE(sink.order.empty());
  ASSERT_TRUE(importer.write(ByteView(data).subspan(kChunkSize - 1, 1)));
  ASSERT_EQ(sink.order.size(), 1u);
  EXPECT_EQ(sink.order[0], Cid::of(Multicodec::raw, ByteView(data).first(kChunkSize)));
  ASSERT_TRUE(importer.write(ByteView(data).subspan(kChunkSize)));
  EXPECT_EQ(sink.order.size(), 1u);
  auto result = importer.finish();
  ASSERT_TRUE(result);
  EXPECT_EQ(sink.order.size(), 3u);
  EXPECT_FALSE(importer.write(data)) << "an importer is done after finish()";
}

// 175 chunks: a root over a full node of 174 leaves and a node over the last leaf, as Kubo's
// balanced layout builds it. Checks every node's UnixFS sizes and every link's Tsize.
TEST(FileImporter, BuildsTheBalancedLayoutWithCorrectSizes) {
  const Bytes data = pseudo_random_bytes(k174Chunks + 1, 5);
  RecordingSink sink;
  auto result = import_bytes(sink, data);
  ASSERT_TRUE(result);
  auto decode = [&](const Cid& cid) {
    EXPECT_EQ(cid.codec(), Multicodec::dag_pb);
    auto node = decode_pb_node(sink.blocks.at(cid));
    EXPECT_TRUE(node);
    auto fs = decode_unixfs(*node->data);
    EXPECT_TRUE(fs);
    return std::make_pair(*node, *fs);
  };
  auto [root, root_fs] = decode(result->root);
  ASSERT_EQ(root.links.size(), 2u);
  EXPECT_EQ(root_fs.type, UnixFsType::file);
  EXPECT_EQ(root_fs.filesize, data.size());
  EXPECT_EQ(root_fs.blocksizes, (std::vector<std::uint64_t>{k174Chunks, 1}));
  auto [full, full_fs] = decode(root.links[0].hash);
  auto [last, last_fs] = decode(root.links[1].hash);
  EXPECT_EQ(full.links.size(), kMaxLinksPerNode);
  EXPECT_EQ(full_fs.blocksizes, std::vector<std::uint64_t>(kMaxLinksPerNode, kChunkSize));
  ASSERT_EQ(last.links.size(), 1u);
  EXPECT_EQ(last.links[0].hash, Cid::of(Multicodec::raw, ByteView(data).last(1)));
  EXPECT_EQ(last.links[0].tsize, 1u);
  EXPECT_EQ(last.links[0].name, std::string());
  EXPECT_EQ(*root.links[1].tsize, sink.blocks.at(root.links[1].hash).size() + 1);
  EXPECT_EQ(*root.links[0].tsize + *root.links[1].tsize + sink.blocks.at(result->root).size(),
            result->dag_size);
  for (std::size_t i = 0; i < full.links.size(); ++i)
    EXPECT_EQ(full.links[i].hash,
              Cid::of(Multicodec::raw, ByteView(data).subspan(i * kChunkSize, kChunkSize)));
}

TEST(FileImporter, RepeatedChunksAreRepeatedLinks) {
  const Bytes zeros(3 * kChunkSize, 0);
  RecordingSink sink;
  auto result = import_bytes(sink, zeros);
  ASSERT_TRUE(result);
  EXPECT_EQ(sink.order.size(), 4u);
  EXPECT_EQ(sink.blocks.size(), 2u);
  auto node = decode_pb_node(sink.blocks.at(result->root));
  ASSERT_TRUE(node);
  ASSERT_EQ(node->links.size(), 3u);
  EXPECT_EQ(node->links[0].hash, node->links[2].hash);
}

class FailingSink final : public BlockSink {
 public:
  Status put(const Cid&, ByteView) override { return make_error(Errc::io, "disk full"); }
};

TEST(FileImporter, StopsAtTheFirstSinkError) {
  FailingSink sink;
  FileImporter importer(sink);
  auto s = importer.write(pseudo_random_bytes(kChunkSize, 1));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "disk full");
  EXPECT_FALSE(importer.finish());
}

}  // namespace
}  // namespace pv::content
