// Both local blockstores (RocksDB values, and pack files with a RocksDB index) on real disks,
// held to the same contract: verified reads, refused writes under the wrong CID, corruption on
// disk detected, recursive pins, garbage collection that returns the space, DAG reads.

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <sys/stat.h>

#include <fstream>

#include "content/dag_walk.hpp"
#include "content/file_importer.hpp"
#include "content/pack_block_store.hpp"
#include "content/rocks_block_store.hpp"
#include "content_test_support.hpp"

namespace pv::content {
namespace {

using test::pseudo_random_bytes;
using test::TempDir;

// The RocksDB store: corruption is written through RocksDB itself, the space is its blob files.
struct RocksStore {
  using Store = RocksBlockStore;
  static Result<std::unique_ptr<Store>> open(const std::filesystem::path& dir,
                                             std::chrono::seconds grace,
                                             std::function<std::int64_t()> clock) {
    RocksBlockStoreOptions options;
    options.gc_grace = grace;
    options.clock = std::move(clock);
    return Store::open(dir, options);
  }
  // Rewrites a stored block's bytes behind the store's back (closed), as a failing disk would.
  static void replace_on_disk(const std::filesystem::path& dir, const Cid& cid, const Bytes&,
                              const Bytes& bytes) {
    std::vector<rocksdb::ColumnFamilyDescriptor> families{
        {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
        {"pins", rocksdb::ColumnFamilyOptions()},
        {"written", rocksdb::ColumnFamilyOptions()}};
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir.string(), families, &handles, &db).ok());
    const auto key = cid.digest().view();
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[0],
                        rocksdb::Slice(reinterpret_cast<const char*>(key.data()), key.size()),
                        rocksdb::Slice(reinterpret_cast<const char*>(bytes.data()), bytes.size()))
                    .ok());
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    delete db;
  }
  static std::uintmax_t disk_bytes(const std::filesystem::path& dir) {
    std::uintmax_t total = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (e.path().extension() == ".blob") total += e.file_size();
    return total;
  }
};

// The pack store: corruption is written into the pack file where the block's bytes are, the
// space is what the file system has allocated to the packs (punched holes take none).
struct PackStore {
  using Store = PackBlockStore;
  static Result<std::unique_ptr<Store>> open(const std::filesystem::path& dir,
                                             std::chrono::seconds grace,
                                             std::function<std::int64_t()> clock) {
    PackBlockStoreOptions options;
    options.gc_grace = grace;
    options.clock = std::move(clock);
    return Store::open(dir, options);
  }
  static void replace_on_disk(const std::filesystem::path& dir, const Cid&, const Bytes& old,
                              const Bytes& bytes) {
    ASSERT_EQ(old.size(), bytes.size()) << "a pack block is replaced in place";
    for (const auto& e : std::filesystem::directory_iterator(dir / "packs")) {
      std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
      std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
      auto at = all.find(std::string(old.begin(), old.end()));
      if (at == std::string::npos) continue;
      f.seekp(static_cast<std::streamoff>(at));
      f.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
      return;
    }
    FAIL() << "the block's bytes are in no pack";
  }
  static std::uintmax_t disk_bytes(const std::filesystem::path& dir) {
    std::uintmax_t total = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir / "packs")) {
      struct stat st {};
      if (::stat(e.path().c_str(), &st) == 0)
        total += static_cast<std::uintmax_t>(st.st_blocks) * 512;
    }
    return total;
  }
};

template <class Kind>
class LocalBlockStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }
  void reopen() {
    store.reset();
    auto opened = Kind::open(dir.path() / "blocks", kGrace, [this] { return clock_now; });
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
  // Flips one byte of a stored block on disk, with the store closed (then reopened).
  void corrupt(const Cid& cid) {
    ASSERT_TRUE(store->sync());
    auto bytes = store->get(cid);
    ASSERT_TRUE(bytes) << bytes.error().message;
    Bytes flipped = *bytes;
    flipped[flipped.size() / 2] ^= 0x01;
    store.reset();
    Kind::replace_on_disk(dir.path() / "blocks", cid, *bytes, flipped);
    reopen();
  }
  std::uintmax_t disk_bytes() { return Kind::disk_bytes(dir.path() / "blocks"); }

  // Steps the store's clock past the grace period of every block written so far.
  void let_grace_expire() { clock_now += kGrace.count() + 1; }

  static constexpr std::chrono::seconds kGrace{3600};
  std::int64_t clock_now = 1'700'000'000;
  TempDir dir;
  std::unique_ptr<typename Kind::Store> store;
};

using StoreKinds = ::testing::Types<RocksStore, PackStore>;
struct StoreKindName {
  template <class Kind>
  static std::string GetName(int) {
    return std::is_same_v<Kind, RocksStore> ? "Rocks" : "Packs";
  }
};
TYPED_TEST_SUITE(LocalBlockStoreTest, StoreKinds, StoreKindName);

TYPED_TEST(LocalBlockStoreTest, StoresVerifiesAndSurvivesReopen) {
  const Bytes data = pseudo_random_bytes(3 * kChunkSize + 99, 1);
  const ImportResult r = this->import(data);
  ASSERT_TRUE(this->store->sync());
  this->reopen();
  EXPECT_EQ(this->read_back(r.root), data);
  // One buffer for several blocks of different sizes: each read gives exactly that block.
  Bytes buffer;
  for (std::size_t at : {std::size_t{0}, 3 * kChunkSize, kChunkSize}) {
    const ByteView chunk = ByteView(data).subspan(at, std::min(kChunkSize, data.size() - at));
    ASSERT_TRUE(this->store->read_into(Cid::of(Multicodec::raw, chunk), buffer));
    EXPECT_TRUE(std::equal(buffer.begin(), buffer.end(), chunk.begin(), chunk.end()));
  }
  auto has = this->store->has(r.root);
  ASSERT_TRUE(has);
  EXPECT_TRUE(*has);
  const Cid absent = Cid::of(Multicodec::raw, as_bytes("never stored"));
  EXPECT_FALSE(*this->store->has(absent));
  auto missing = this->store->get(absent);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
}

TYPED_TEST(LocalBlockStoreTest, RefusesABlockUnderTheWrongCid) {
  const Bytes block = to_bytes("the real bytes");
  const Cid other = Cid::of(Multicodec::raw, as_bytes("other bytes"));
  auto s = this->store->put(other, block);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Errc::invalid_argument);
  EXPECT_NE(s.error().message.find(other.to_string()), std::string::npos);
  EXPECT_FALSE(*this->store->has(other)) << "a refused put stores nothing";
}

TYPED_TEST(LocalBlockStoreTest, ReportsACorruptedBlockInsteadOfReturningIt) {
  const Bytes data = pseudo_random_bytes(2 * kChunkSize, 2);
  const ImportResult r = this->import(data);
  const Cid leaf = Cid::of(Multicodec::raw, ByteView(data).first(kChunkSize));
  this->corrupt(leaf);
  auto got = this->store->get(leaf);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, Errc::corruption);
  EXPECT_NE(got.error().message.find(leaf.to_string()), std::string::npos);
  Bytes reused = to_bytes("whatever the buffer held before");
  auto into = this->store->read_into(leaf, reused);
  ASSERT_FALSE(into);
  EXPECT_EQ(into.error().code, Errc::corruption);
  auto file = read_file(*this->store, r.root, [](ByteView) { return Status::ok(); });
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().code, Errc::corruption);
}

TYPED_TEST(LocalBlockStoreTest, PinIsRecursiveAndRefusesAnIncompleteDag) {
  const Bytes data = pseudo_random_bytes(2 * kChunkSize + 5, 3);
  // Import into a scratch sink first, then store all blocks but the second leaf.
  test::RecordingSink sink;
  auto r = import_bytes(sink, data);
  ASSERT_TRUE(r);
  const Cid skipped = Cid::of(Multicodec::raw, ByteView(data).subspan(kChunkSize, kChunkSize));
  for (const auto& [cid, bytes] : sink.blocks)
    if (cid != skipped) {
      ASSERT_TRUE(this->store->put(cid, bytes));
    }
  auto s = this->store->pin(r->root);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Errc::not_found);
  EXPECT_NE(s.error().message.find(skipped.to_string()), std::string::npos) << s.error().message;
  EXPECT_TRUE(this->store->pins()->empty());
  ASSERT_TRUE(this->store->put(skipped, sink.blocks.at(skipped)));
  ASSERT_TRUE(this->store->pin(r->root));
  ASSERT_TRUE(this->store->pin(r->root)) << "pinning twice is fine";
  EXPECT_EQ(*this->store->pins(), std::vector<Cid>{r->root});
  auto not_pinned = this->store->unpin(Cid::of(Multicodec::raw, as_bytes("x")));
  ASSERT_FALSE(not_pinned);
  EXPECT_EQ(not_pinned.error().code, Errc::not_found);
  ASSERT_TRUE(this->store->unpin(r->root));
  EXPECT_TRUE(this->store->pins()->empty());
}

TYPED_TEST(LocalBlockStoreTest, GarbageCollectionKeepsExactlyWhatPinsReach) {
  const Bytes a = pseudo_random_bytes(3 * kChunkSize, 10);
  Bytes b = a;  // shares its first two chunks with `a`
  b.resize(2 * kChunkSize + 17, 0x42);
  const Bytes c = pseudo_random_bytes(kChunkSize + 1, 12);
  const ImportResult ra = this->import(a), rb = this->import(b), rc = this->import(c);
  ASSERT_TRUE(this->store->pin(ra.root));
  ASSERT_TRUE(this->store->pin(rb.root));
  // a: 3 leaves + root; b: 2 shared leaves + 1 leaf + root; c: 2 leaves + root.
  auto young = this->store->collect_garbage();
  ASSERT_TRUE(young) << young.error().message;
  EXPECT_EQ(young->blocks_removed, 0u) << "c's blocks are unpinned but still in their grace";
  EXPECT_EQ(young->blocks_in_grace, 3u);
  EXPECT_TRUE(*this->store->has(rc.root));
  this->let_grace_expire();
  auto first = this->store->collect_garbage();
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->blocks_kept, 6u);
  EXPECT_EQ(first->blocks_in_grace, 0u);
  EXPECT_EQ(first->blocks_removed, 3u);
  ASSERT_EQ(first->removed.size(), 3u) << "the digest of each removed block";
  EXPECT_NE(std::find(first->removed.begin(), first->removed.end(), rc.root.digest()),
            first->removed.end());
  EXPECT_FALSE(*this->store->has(rc.root));
  EXPECT_EQ(this->read_back(ra.root), a);
  EXPECT_EQ(this->read_back(rb.root), b);

  ASSERT_TRUE(this->store->unpin(ra.root));
  auto second = this->store->collect_garbage();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->blocks_removed, 2u) << "a's root and its own third leaf";
  EXPECT_FALSE(*this->store->has(ra.root));
  EXPECT_EQ(this->read_back(rb.root), b) << "shared leaves stay while b is pinned";
  this->reopen();
  EXPECT_EQ(*this->store->pins(), std::vector<Cid>{rb.root});
  EXPECT_EQ(this->read_back(rb.root), b);
}

// An upload in several batches (pv blob put: CARs to POST /v1/blocks, then one pin) with a
// collection between two batches: the first batch must survive it, and the pin must find the
// whole DAG. Also across a restart of the node between the batches.
TYPED_TEST(LocalBlockStoreTest, CollectionBetweenUploadBatchesKeepsTheUpload) {
  const Bytes data = pseudo_random_bytes(5 * kChunkSize + 7, 30);
  test::RecordingSink sink;
  auto r = import_bytes(sink, data);
  ASSERT_TRUE(r);
  std::vector<BlockView> blocks;
  for (const Cid& cid : sink.order) blocks.push_back({cid, sink.blocks.at(cid)});
  ASSERT_EQ(blocks.size(), 7u);  // 6 leaves, then the root
  const std::size_t half = blocks.size() / 2;
  ASSERT_TRUE(this->store->put_all(std::span(blocks).first(half)));
  auto gc = this->store->collect_garbage();
  ASSERT_TRUE(gc) << gc.error().message;
  EXPECT_EQ(gc->blocks_removed, 0u);
  this->reopen();  // write times are stored with the blocks: a restart keeps the grace
  this->clock_now += TestFixture::kGrace.count() / 2;
  gc = this->store->collect_garbage();
  ASSERT_TRUE(gc) << gc.error().message;
  EXPECT_EQ(gc->blocks_removed, 0u);
  ASSERT_TRUE(this->store->put_all(std::span(blocks).subspan(half)));
  ASSERT_TRUE(this->store->pin(r->root)) << "every block of the first batch is still there";
  this->let_grace_expire();
  gc = this->store->collect_garbage();
  ASSERT_TRUE(gc) << gc.error().message;
  EXPECT_EQ(gc->blocks_removed, 0u);
  EXPECT_EQ(this->read_back(r->root), data);
}

// A collection gives the disk space of deleted blocks back (RocksDB rewrites its blob files
// without them; the pack store punches them out of its packs), not only marks them deleted.
TYPED_TEST(LocalBlockStoreTest, CollectionReturnsTheDiskSpace) {
  const Bytes kept = pseudo_random_bytes(2 * kChunkSize, 41);
  const ImportResult pinned = this->import(kept);
  ASSERT_TRUE(this->store->pin(pinned.root));
  this->import(pseudo_random_bytes(16 * kChunkSize, 42));
  ASSERT_TRUE(this->store->sync());
  const auto before = this->disk_bytes();
  EXPECT_GT(before, 18 * kChunkSize);
  this->let_grace_expire();
  auto gc = this->store->collect_garbage();
  ASSERT_TRUE(gc) << gc.error().message;
  EXPECT_EQ(gc->blocks_removed, 17u);
  EXPECT_LT(this->disk_bytes(), 4 * kChunkSize) << "before: " << before;
  EXPECT_EQ(this->read_back(pinned.root), kept);
}

TYPED_TEST(LocalBlockStoreTest, PutAllStoresNothingWhenOneBlockLies) {
  const Bytes good = to_bytes("good block"), bad = to_bytes("bad block");
  const Cid good_cid = Cid::of(Multicodec::raw, good);
  const Cid wrong = Cid::of(Multicodec::raw, as_bytes("something else"));
  const std::vector<BlockView> batch{{good_cid, good}, {wrong, bad}};
  auto s = this->store->put_all(batch);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Errc::invalid_argument);
  EXPECT_NE(s.error().message.find(wrong.to_string()), std::string::npos) << s.error().message;
  EXPECT_FALSE(*this->store->has(good_cid)) << "a refused batch stores none of its blocks";
  EXPECT_FALSE(*this->store->has(wrong));
}

TYPED_TEST(LocalBlockStoreTest, GarbageCollectionStopsOnACorruptPinnedDag) {
  const Bytes data = pseudo_random_bytes(2 * kChunkSize, 20);
  const ImportResult r = this->import(data);
  ASSERT_TRUE(this->store->pin(r.root));
  const ImportResult loose = this->import(pseudo_random_bytes(10, 21));
  this->corrupt(r.root);
  this->let_grace_expire();
  auto gc = this->store->collect_garbage();
  ASSERT_FALSE(gc);
  EXPECT_EQ(gc.error().code, Errc::corruption);
  EXPECT_TRUE(*this->store->has(loose.root)) << "nothing is removed when the mark phase fails";
}

TYPED_TEST(LocalBlockStoreTest, WalkVisitsEachBlockOnceRootFirst) {
  Bytes data(3 * kChunkSize, 0);  // three equal chunks: one distinct leaf
  data.resize(3 * kChunkSize + 1, 1);
  const ImportResult r = this->import(data);
  std::vector<Cid> seen;
  ASSERT_TRUE(walk_dag(*this->store, r.root, LeafRead::verify, [&](const Cid& cid, ByteView bytes) {
    EXPECT_TRUE(cid.matches(bytes));
    seen.push_back(cid);
    return Status::ok();
  }));
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], r.root);
  EXPECT_EQ(seen[1], Cid::of(Multicodec::raw, Bytes(kChunkSize, 0)));
  EXPECT_EQ(seen[2], Cid::of(Multicodec::raw, Bytes{1}));
}

// What only the RocksDB store has: blocks written by older versions.
class RocksBlockStoreTest : public LocalBlockStoreTest<RocksStore> {
 protected:
  void overwrite_on_disk(const Cid& cid, const Bytes& bytes) {
    store.reset();
    RocksStore::replace_on_disk(dir.path() / "blocks", cid, {}, bytes);
    reopen();
  }
};

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

TEST_F(RocksBlockStoreTest, ReportsATruncatedBlockAsCorrupt) {
  const Bytes data = pseudo_random_bytes(kChunkSize, 5);
  const Cid leaf = import(data).root;
  overwrite_on_disk(leaf, Bytes(data.begin(), data.begin() + 10));
  auto got = store->get(leaf);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, Errc::corruption);
}

}  // namespace
}  // namespace pv::content
