// The RocksDB blockstore on a real database: verified reads, refused writes under the wrong
// CID, corruption on disk detected, recursive pins and garbage collection, DAG reads.

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "content/dag_walk.hpp"
#include "content/file_importer.hpp"
#include "content/rocks_block_store.hpp"
#include "content_test_support.hpp"

namespace pv::content {
namespace {

using test::pseudo_random_bytes;
using test::TempDir;

class RocksBlockStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }
  void reopen() {
    store.reset();
    RocksBlockStoreOptions options;
    options.gc_grace = kGrace;
    options.clock = [this] { return clock_now; };
    auto opened = RocksBlockStore::open(dir.path() / "blocks", options);
    ASSERT_TRUE(opened) << opened.error().message;
    store = std::move(*opened);
  }
  ImportResult import(const Bytes& data) {
    auto r = import_bytes(*store, data);
    EXPECT_TRUE(r) << r.error().message;
    return *r;
  }
  Bytes read_back(const Cid& root) {
    Bytes out;
    auto s = read_file(*store, root, [&](ByteView b) {
      out.insert(out.end(), b.begin(), b.end());
      return Status::ok();
    });
    EXPECT_TRUE(s) << s.error().message;
    return out;
  }
  // Rewrites a stored block's bytes behind the store's back, as a failing disk or an intruder
  // would, through RocksDB itself.
  void overwrite_on_disk(const Cid& cid, const Bytes& bytes) {
    store.reset();
    std::vector<rocksdb::ColumnFamilyDescriptor> families{
        {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
        {"pins", rocksdb::ColumnFamilyOptions()},
        {"written", rocksdb::ColumnFamilyOptions()}};
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), (dir.path() / "blocks").string(), families,
                                  &handles, &db)
                    .ok());
    const auto key = cid.digest().view();
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[0],
                        rocksdb::Slice(reinterpret_cast<const char*>(key.data()), key.size()),
                        rocksdb::Slice(reinterpret_cast<const char*>(bytes.data()), bytes.size()))
                    .ok());
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    delete db;
    reopen();
  }

  // Steps the store's clock past the grace period of every block written so far.
  void let_grace_expire() { clock_now += kGrace.count() + 1; }

  static constexpr std::chrono::seconds kGrace{3600};
  std::int64_t clock_now = 1'700'000'000;
  TempDir dir;
  std::unique_ptr<RocksBlockStore> store;
};

TEST_F(RocksBlockStoreTest, StoresVerifiesAndSurvivesReopen) {
  const Bytes data = pseudo_random_bytes(3 * kChunkSize + 99, 1);
  const ImportResult r = import(data);
  ASSERT_TRUE(store->sync());
  reopen();
  EXPECT_EQ(read_back(r.root), data);
  auto has = store->has(r.root);
  ASSERT_TRUE(has);
  EXPECT_TRUE(*has);
  const Cid absent = Cid::of(Multicodec::raw, as_bytes("never stored"));
  EXPECT_FALSE(*store->has(absent));
  auto missing = store->get(absent);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
}

TEST_F(RocksBlockStoreTest, RefusesABlockUnderTheWrongCid) {
  const Bytes block = to_bytes("the real bytes");
  const Cid other = Cid::of(Multicodec::raw, as_bytes("other bytes"));
  auto s = store->put(other, block);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Errc::invalid_argument);
  EXPECT_NE(s.error().message.find(other.to_string()), std::string::npos);
  EXPECT_FALSE(*store->has(other)) << "a refused put stores nothing";
}

TEST_F(RocksBlockStoreTest, ReportsACorruptedBlockInsteadOfReturningIt) {
  const Bytes data = pseudo_random_bytes(2 * kChunkSize, 2);
  const ImportResult r = import(data);
  const Cid leaf = Cid::of(Multicodec::raw, ByteView(data).first(kChunkSize));
  Bytes flipped = Bytes(data.begin(), data.begin() + kChunkSize);
  flipped[1000] ^= 0x01;
  overwrite_on_disk(leaf, flipped);
  auto got = store->get(leaf);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, Errc::corruption);
  EXPECT_NE(got.error().message.find(leaf.to_string()), std::string::npos);
  auto file = read_file(*store, r.root, [](ByteView) { return Status::ok(); });
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().code, Errc::corruption);
  // A truncated copy is refused the same way.
  overwrite_on_disk(leaf, Bytes(data.begin(), data.begin() + 10));
  EXPECT_EQ(store->get(leaf).error().code, Errc::corruption);
}

TEST_F(RocksBlockStoreTest, PinIsRecursiveAndRefusesAnIncompleteDag) {
  const Bytes data = pseudo_random_bytes(2 * kChunkSize + 5, 3);
  // Import into a scratch sink first, then store all blocks but the second leaf.
  test::RecordingSink sink;
  auto r = import_bytes(sink, data);
  ASSERT_TRUE(r);
  const Cid skipped = Cid::of(Multicodec::raw, ByteView(data).subspan(kChunkSize, kChunkSize));
  for (const auto& [cid, bytes] : sink.blocks)
    if (cid != skipped) {
      ASSERT_TRUE(store->put(cid, bytes));
    }
  auto s = store->pin(r->root);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Errc::not_found);
  EXPECT_NE(s.error().message.find(skipped.to_string()), std::string::npos) << s.error().message;
  EXPECT_TRUE(store->pins()->empty());
  ASSERT_TRUE(store->put(skipped, sink.blocks.at(skipped)));
  ASSERT_TRUE(store->pin(r->root));
  ASSERT_TRUE(store->pin(r->root)) << "pinning twice is fine";
  EXPECT_EQ(*store->pins(), std::vector<Cid>{r->root});
  auto not_pinned = store->unpin(Cid::of(Multicodec::raw, as_bytes("x")));
  ASSERT_FALSE(not_pinned);
  EXPECT_EQ(not_pinned.error().code, Errc::not_found);
  ASSERT_TRUE(store->unpin(r->root));
  EXPECT_TRUE(store->pins()->empty());
}

TEST_F(RocksBlockStoreTest, GarbageCollectionKeepsExactlyWhatPinsReach) {
  const Bytes a = pseudo_random_bytes(3 * kChunkSize, 10);
  Bytes b = a;  // shares its first two chunks with `a`
  b.resize(2 * kChunkSize + 17, 0x42);
  const Bytes c = pseudo_random_bytes(kChunkSize + 1, 12);
  const ImportResult ra = import(a), rb = import(b), rc = import(c);
  ASSERT_TRUE(store->pin(ra.root));
  ASSERT_TRUE(store->pin(rb.root));
  // a: 3 leaves + root; b: 2 shared leaves + 1 leaf + root; c: 2 leaves + root.
  auto young = store->collect_garbage();
  ASSERT_TRUE(young) << young.error().message;
  EXPECT_EQ(young->blocks_removed, 0u) << "c's blocks are unpinned but still in their grace";
  EXPECT_EQ(young->blocks_in_grace, 3u);
  EXPECT_TRUE(*store->has(rc.root));
  let_grace_expire();
  auto first = store->collect_garbage();
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->blocks_kept, 6u);
  EXPECT_EQ(first->blocks_in_grace, 0u);
  EXPECT_EQ(first->blocks_removed, 3u);
  EXPECT_FALSE(*store->has(rc.root));
  EXPECT_EQ(read_back(ra.root), a);
  EXPECT_EQ(read_back(rb.root), b);

  ASSERT_TRUE(store->unpin(ra.root));
  auto second = store->collect_garbage();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->blocks_removed, 2u) << "a's root and its own third leaf";
  EXPECT_FALSE(*store->has(ra.root));
  EXPECT_EQ(read_back(rb.root), b) << "shared leaves stay while b is pinned";
  reopen();
  EXPECT_EQ(*store->pins(), std::vector<Cid>{rb.root});
  EXPECT_EQ(read_back(rb.root), b);
}

// An upload in several batches (pv blob put: CARs to POST /v1/blocks, then one pin) with a
// collection between two batches: the first batch must survive it, and the pin must find the
// whole DAG. Also across a restart of the node between the batches.
TEST_F(RocksBlockStoreTest, CollectionBetweenUploadBatchesKeepsTheUpload) {
  const Bytes data = pseudo_random_bytes(5 * kChunkSize + 7, 30);
  test::RecordingSink sink;
  auto r = import_bytes(sink, data);
  ASSERT_TRUE(r);
  std::vector<BlockView> blocks;
  for (const Cid& cid : sink.order) blocks.push_back({cid, sink.blocks.at(cid)});
  ASSERT_EQ(blocks.size(), 7u);  // 6 leaves, then the root
  const std::size_t half = blocks.size() / 2;
  ASSERT_TRUE(store->put_all(std::span(blocks).first(half)));
  auto gc = store->collect_garbage();
  ASSERT_TRUE(gc) << gc.error().message;
  EXPECT_EQ(gc->blocks_removed, 0u);
  reopen();  // write times are stored with the blocks: a restart keeps the grace
  clock_now += kGrace.count() / 2;
  gc = store->collect_garbage();
  ASSERT_TRUE(gc) << gc.error().message;
  EXPECT_EQ(gc->blocks_removed, 0u);
  ASSERT_TRUE(store->put_all(std::span(blocks).subspan(half)));
  ASSERT_TRUE(store->pin(r->root)) << "every block of the first batch is still there";
  let_grace_expire();
  gc = store->collect_garbage();
  ASSERT_TRUE(gc) << gc.error().message;
  EXPECT_EQ(gc->blocks_removed, 0u);
  EXPECT_EQ(read_back(r->root), data);
}

// has() answers from the write-time index; a block stored without one (a store written before
// write times were kept) is still found, and a collected block is gone from both.
TEST_F(RocksBlockStoreTest, HasUsesTheWriteTimeIndexAndFallsBackToTheBlock) {
  const Bytes legacy = to_bytes("a block written by an older version");
  const Cid legacy_cid = Cid::of(Multicodec::raw, legacy);
  overwrite_on_disk(legacy_cid, legacy);  // raw RocksDB write: no write time
  EXPECT_TRUE(*store->has(legacy_cid));
  const ImportResult r = import(pseudo_random_bytes(100, 40));
  ASSERT_TRUE(store->sync());
  reopen();
  EXPECT_TRUE(*store->has(r.root));
  let_grace_expire();
  auto gc = store->collect_garbage();
  ASSERT_TRUE(gc) << gc.error().message;
  EXPECT_EQ(gc->blocks_removed, 2u);
  EXPECT_FALSE(*store->has(r.root));
  EXPECT_FALSE(*store->has(legacy_cid));
}

// A collection gives the disk space of deleted blocks back (their blob files are rewritten
// without them), not only marks them deleted.
TEST_F(RocksBlockStoreTest, CollectionReturnsTheBlobFilesSpace) {
  auto blob_bytes = [&] {
    std::uintmax_t total = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.path() / "blocks"))
      if (e.path().extension() == ".blob") total += e.file_size();
    return total;
  };
  const Bytes kept = pseudo_random_bytes(2 * kChunkSize, 41);
  const ImportResult pinned = import(kept);
  ASSERT_TRUE(store->pin(pinned.root));
  import(pseudo_random_bytes(16 * kChunkSize, 42));
  ASSERT_TRUE(store->sync());
  const auto before = blob_bytes();
  EXPECT_GT(before, 18 * kChunkSize);
  let_grace_expire();
  auto gc = store->collect_garbage();
  ASSERT_TRUE(gc) << gc.error().message;
  EXPECT_EQ(gc->blocks_removed, 17u);
  EXPECT_LT(blob_bytes(), 4 * kChunkSize) << "before: " << before;
  EXPECT_EQ(read_back(pinned.root), kept);
}

TEST_F(RocksBlockStoreTest, PutAllStoresNothingWhenOneBlockLies) {
  const Bytes good = to_bytes("good block"), bad = to_bytes("bad block");
  const Cid good_cid = Cid::of(Multicodec::raw, good);
  const Cid wrong = Cid::of(Multicodec::raw, as_bytes("something else"));
  const std::vector<BlockView> batch{{good_cid, good}, {wrong, bad}};
  auto s = store->put_all(batch);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Errc::invalid_argument);
  EXPECT_NE(s.error().message.find(wrong.to_string()), std::string::npos) << s.error().message;
  EXPECT_FALSE(*store->has(good_cid)) << "a refused batch stores none of its blocks";
  EXPECT_FALSE(*store->has(wrong));
}

TEST_F(RocksBlockStoreTest, GarbageCollectionStopsOnACorruptPinnedDag) {
  const Bytes data = pseudo_random_bytes(2 * kChunkSize, 20);
  const ImportResult r = import(data);
  ASSERT_TRUE(store->pin(r.root));
  const ImportResult loose = import(pseudo_random_bytes(10, 21));
  overwrite_on_disk(r.root, to_bytes("not the node"));
  let_grace_expire();
  auto gc = store->collect_garbage();
  ASSERT_FALSE(gc);
  EXPECT_EQ(gc.error().code, Errc::corruption);
  EXPECT_TRUE(*store->has(loose.root)) << "nothing is removed when the mark phase fails";
}

TEST_F(RocksBlockStoreTest, WalkVisitsEachBlockOnceRootFirst) {
  Bytes data(3 * kChunkSize, 0);  // three equal chunks: one distinct leaf
  data.resize(3 * kChunkSize + 1, 1);
  const ImportResult r = import(data);
  std::vector<Cid> seen;
  ASSERT_TRUE(walk_dag(*store, r.root, LeafRead::verify, [&](const Cid& cid, ByteView bytes) {
    EXPECT_TRUE(cid.matches(bytes));
    seen.push_back(cid);
    return Status::ok();
  }));
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], r.root);
  EXPECT_EQ(seen[1], Cid::of(Multicodec::raw, Bytes(kChunkSize, 0)));
  EXPECT_EQ(seen[2], Cid::of(Multicodec::raw, Bytes{1}));
}

}  // namespace
}  // namespace pv::content
