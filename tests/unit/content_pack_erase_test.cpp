// PackBlockStore::erase_dag (docs/erasure.md): the erased DAG's blocks leave the index and their
// bytes leave the pack files, a block another pinned DAG reaches is kept and counted as shared,
// the other DAG stays whole, a second erasure finds nothing left, and the result survives a
// reopen.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "content/dag_pb.hpp"
#include "content/dag_walk.hpp"
#include "content/pack_block_store.hpp"
#include "content/rocks_block_store.hpp"
#include "content_test_support.hpp"

namespace pv::content {
namespace {

using test::pseudo_random_bytes;
using test::TempDir;

Cid raw(const Bytes& b) {
  return Cid::of(Multicodec::raw, b);
}

// A dag-pb root over `leaves`.
Bytes root_over(const std::vector<const Bytes*>& leaves) {
  PbNode node;
  for (const Bytes* leaf : leaves) {
    PbLink link;
    link.hash = raw(*leaf);
    link.name = "";
    link.tsize = leaf->size();
    node.links.push_back(link);
  }
  return encode_pb_node(node);
}

// Does any file under `packs` hold these 32 bytes taken from the middle of `block`?
bool on_disk(const std::filesystem::path& packs, const Bytes& block) {
  const std::string needle(reinterpret_cast<const char*>(block.data()) + block.size() / 2,
                           std::min<std::size_t>(32, block.size() - block.size() / 2));
  for (const auto& e : std::filesystem::recursive_directory_iterator(packs)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (content.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(PackBlockStoreErase, ErasesItsDagKeepsSharedBlocksAndLeavesNoBytesInThePacks) {
  TempDir dir;
  PackBlockStoreOptions options;
  options.gc_grace = std::chrono::seconds(0);
  auto opened = PackBlockStore::open(dir.path() / "blocks", options);
  ASSERT_TRUE(opened) << opened.error().message;
  auto store = std::move(*opened);
  const Bytes mine = pseudo_random_bytes(200'000, 1), shared = pseudo_random_bytes(100'000, 2),
              theirs = pseudo_random_bytes(150'000, 3);
  const Bytes root_a = root_over({&mine, &shared}), root_b = root_over({&shared, &theirs});
  const Cid a = Cid::of(Multicodec::dag_pb, root_a), b = Cid::of(Multicodec::dag_pb, root_b);
  for (const Bytes* block : {&mine, &shared, &theirs}) ASSERT_TRUE(store->put(raw(*block), *block));
  ASSERT_TRUE(store->put(a, root_a));
  ASSERT_TRUE(store->put(b, root_b));
  ASSERT_TRUE(store->pin(a));
  ASSERT_TRUE(store->pin(b));
  const auto packs = store->pack_dir();
  ASSERT_TRUE(on_disk(packs, mine));  // the checks below can fail
  ASSERT_TRUE(on_disk(packs, raw(mine).bytes()));

  auto report = store->erase_dag(a);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->blocks_deleted, 2u);  // root a and its own leaf
  EXPECT_EQ(report->blocks_shared, 1u);
  EXPECT_EQ(report->blocks_missing, 0u);
  EXPECT_TRUE(report->compacted);
  EXPECT_FALSE(*store->has(a));
  EXPECT_FALSE(*store->has(raw(mine)));
  EXPECT_FALSE(on_disk(packs, mine));
  // Root a's own bytes: the link to its own leaf (the link to the shared leaf is in root b too).
  EXPECT_FALSE(on_disk(packs, raw(mine).bytes()));
  // The other DAG is whole, still pinned, its bytes intact.
  EXPECT_EQ(*store->get(raw(shared)), shared);
  EXPECT_EQ(*store->get(raw(theirs)), theirs);
  EXPECT_TRUE(
      walk_dag(*store, b, LeafRead::verify, [](const Cid&, ByteView) { return Status::ok(); }));
  auto pins = store->pins();
  ASSERT_TRUE(pins);
  EXPECT_EQ(*pins, std::vector<Cid>{b});

  // Again: nothing left to erase.
  auto again = store->erase_dag(a);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->blocks_deleted, 0u);
  EXPECT_EQ(again->blocks_missing, 1u);  // the root is gone, so its links cannot be named

  // After a reopen the erasure holds; erasing the other DAG now takes the shared block too.
  store.reset();
  opened = PackBlockStore::open(dir.path() / "blocks", options);
  ASSERT_TRUE(opened) << opened.error().message;
  store = std::move(*opened);
  EXPECT_FALSE(*store->has(raw(mine)));
  auto last = store->erase_dag(b);
  ASSERT_TRUE(last) << last.error().message;
  EXPECT_EQ(last->blocks_deleted, 3u);
  EXPECT_EQ(last->blocks_shared, 0u);
  for (const Bytes* block : {&mine, &shared, &theirs}) EXPECT_FALSE(on_disk(packs, *block));
}

}  // namespace
}  // namespace pv::content

namespace pv::content {
namespace {

// An erased block stays erased: erased() says so (also after a reopen), and a put of the same
// bytes (a peer that has not erased yet replicating it back, say) is refused, so the bytes never
// return to this node. A block shared with a live DAG was not erased and stays writable.
TEST(PackBlockStoreErase, AnErasedBlockIsNeverStoredAgain) {
  TempDir dir;
  auto opened = PackBlockStore::open(dir.path() / "blocks");
  ASSERT_TRUE(opened) << opened.error().message;
  auto store = std::move(*opened);
  const Bytes mine = pseudo_random_bytes(50'000, 4), shared = pseudo_random_bytes(40'000, 5);
  const Bytes root_a = root_over({&mine, &shared}), root_b = root_over({&shared});
  const Cid a = Cid::of(Multicodec::dag_pb, root_a), b = Cid::of(Multicodec::dag_pb, root_b);
  for (const Bytes* block : {&mine, &shared}) ASSERT_TRUE(store->put(raw(*block), *block));
  ASSERT_TRUE(store->put(a, root_a));
  ASSERT_TRUE(store->put(b, root_b));
  ASSERT_TRUE(store->pin(a));
  ASSERT_TRUE(store->pin(b));
  EXPECT_FALSE(*store->erased(raw(mine)));
  ASSERT_TRUE(store->erase_dag(a));

  for (int round = 0; round < 2; ++round) {  // before and after a reopen
    EXPECT_TRUE(*store->erased(raw(mine)));
    EXPECT_TRUE(*store->erased(a));
    EXPECT_FALSE(*store->erased(raw(shared)));
    Status again = store->put(raw(mine), mine);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::conflict);
    EXPECT_NE(again.error().message.find("was erased on this node"), std::string::npos);
    EXPECT_FALSE(*store->has(raw(mine)));
    EXPECT_FALSE(on_disk(store->pack_dir(), mine));
    EXPECT_TRUE(store->put(raw(shared), shared)) << "a shared block was not erased";
    store.reset();
    opened = PackBlockStore::open(dir.path() / "blocks");
    ASSERT_TRUE(opened) << opened.error().message;
    store = std::move(*opened);
  }
}

// Several roots in one pass (a record's content and its key envelopes); a root this node never
// held is marked erased too, so a later read or replica pull cannot bring it here.
TEST(PackBlockStoreErase, ErasesSeveralRootsAtOnceAndMarksWhatItNeverHeld) {
  TempDir dir;
  auto opened = PackBlockStore::open(dir.path() / "blocks");
  ASSERT_TRUE(opened) << opened.error().message;
  auto store = std::move(*opened);
  const Bytes content = pseudo_random_bytes(30'000, 6), envelope = pseudo_random_bytes(300, 7),
              elsewhere = pseudo_random_bytes(300, 8);
  for (const Bytes* block : {&content, &envelope}) {
    ASSERT_TRUE(store->put(raw(*block), *block));
    ASSERT_TRUE(store->pin(raw(*block)));
  }
  const std::vector<Cid> roots = {raw(content), raw(envelope), raw(elsewhere)};
  auto report = store->erase_dags(roots);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->blocks_deleted, 2u);
  EXPECT_EQ(report->blocks_missing, 1u);
  EXPECT_TRUE(report->compacted);
  for (const Cid& root : roots) EXPECT_TRUE(*store->erased(root)) << root.to_string();
  EXPECT_FALSE(store->put(raw(elsewhere), elsewhere)) << "never held, still never stored";
  EXPECT_FALSE(on_disk(store->pack_dir(), content));
  EXPECT_TRUE(store->pins()->empty());
}

}  // namespace
}  // namespace pv::content

namespace pv::content {
namespace {

// A data directory from before the pack store keeps its RocksDB blockstore: erasure there
// deletes the DAG's own blocks, keeps a block another pinned DAG reaches, and leaves no byte of
// the erased blocks in any file of the store (blob files, tables, WAL), across a reopen.
TEST(RocksBlockStoreErase, ErasesItsDagAndNoFileOfTheStoreKeepsItsBytes) {
  TempDir dir;
  for (bool blob_files : {true, false}) {
    const auto where = dir.path() / (blob_files ? "blob" : "plain");
    RocksBlockStoreOptions options;
    options.blob_files = blob_files;
    auto opened = RocksBlockStore::open(where, options);
    ASSERT_TRUE(opened) << opened.error().message;
    auto store = std::move(*opened);
    const Bytes mine = pseudo_random_bytes(300'000, 11), shared = pseudo_random_bytes(80'000, 12),
                theirs = pseudo_random_bytes(120'000, 13);
    const Bytes root_a = root_over({&mine, &shared}), root_b = root_over({&shared, &theirs});
    const Cid a = Cid::of(Multicodec::dag_pb, root_a), b = Cid::of(Multicodec::dag_pb, root_b);
    for (const Bytes* block : {&mine, &shared, &theirs})
      ASSERT_TRUE(store->put(raw(*block), *block));
    ASSERT_TRUE(store->put(a, root_a));
    ASSERT_TRUE(store->put(b, root_b));
    ASSERT_TRUE(store->pin(a));
    ASSERT_TRUE(store->pin(b));
    ASSERT_TRUE(store->sync());
    ASSERT_TRUE(on_disk(where, mine)) << blob_files;  // the scan below can fail

    const Cid roots[] = {a};
    auto report = store->erase_dags(roots);
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->blocks_deleted, 2u);
    EXPECT_EQ(report->blocks_shared, 1u);
    EXPECT_EQ(report->blocks_missing, 0u);
    EXPECT_TRUE(report->compacted);
    EXPECT_FALSE(*store->has(raw(mine)));
    EXPECT_FALSE(*store->has(a));
    EXPECT_FALSE(on_disk(where, mine)) << blob_files;
    EXPECT_EQ(*store->get(raw(shared)), shared);
    EXPECT_EQ(*store->get(raw(theirs)), theirs);
    EXPECT_EQ(*store->pins(), std::vector<Cid>{b});

    store.reset();
    opened = RocksBlockStore::open(where, options);
    ASSERT_TRUE(opened) << opened.error().message;
    store = std::move(*opened);
    EXPECT_FALSE(*store->has(raw(mine)));
    auto again = store->erase_dags(roots);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(again->blocks_deleted, 0u);
    EXPECT_EQ(again->blocks_missing, 1u);
    EXPECT_TRUE(walk_dag(*store, b, LeafRead::verify,
                         [](const Cid&, ByteView) { return Status::ok(); }));
    EXPECT_FALSE(on_disk(where, mine)) << blob_files;
  }
}

}  // namespace
}  // namespace pv::content
