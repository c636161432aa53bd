// Which local store a node opens: the pack store for a new data directory, and the RocksDB
// store for a data directory made before the pack store, whose blocks stay readable.

#include "api/block_store_config.hpp"

#include <gtest/gtest.h>

#include "content/pack_block_store.hpp"
#include "content/rocks_block_store.hpp"
#include "content_test_support.hpp"

namespace pv::api {
namespace {

using content::Cid;
using content::Multicodec;

TEST(BlockStoreConfig, ANewDataDirectoryGetsThePackStore) {
  content::test::TempDir dir;
  NodeConfig config;
  config.data_dir = dir.path().string();
  auto store = open_block_store(config);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_NE(dynamic_cast<content::PackBlockStore*>(store->get()), nullptr);
  const Bytes block = to_bytes("kept in a pack");
  ASSERT_TRUE((*store)->put(Cid::of(Multicodec::raw, block), block));
  ASSERT_TRUE((*store)->sync());
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "blocks" / "packs" / "0000000001.pack"));
}

TEST(BlockStoreConfig, AnOlderDataDirectoryKeepsItsRocksDbStoreAndItsBlocks) {
  content::test::TempDir dir;
  const Bytes block = to_bytes("written by an older node");
  const Cid cid = Cid::of(Multicodec::raw, block);
  {
    auto old = content::RocksBlockStore::open(dir.path() / "blocks");
    ASSERT_TRUE(old);
    ASSERT_TRUE((*old)->put(cid, block));
    ASSERT_TRUE((*old)->sync());
  }
  NodeConfig config;
  config.data_dir = dir.path().string();
  auto store = open_block_store(config);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_NE(dynamic_cast<content::RocksBlockStore*>(store->get()), nullptr);
  auto got = (*store)->get(cid);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, block);
}

}  // namespace
}  // namespace pv::api
