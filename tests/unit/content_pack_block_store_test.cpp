// What only the pack store does: crash recovery of its packs, reads before a sync, pack files
// that rotate and go away, repair by sending a block again, its size limit, many writers, and
// the index entry decoder under bad input. The shared contract is in content_block_store_test.

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <thread>

#include "content/dag_walk.hpp"
#include "content/file_importer.hpp"
#include "content/pack_block_store.hpp"
#include "content_test_support.hpp"

namespace pv::content {
namespace {

using test::pseudo_random_bytes;
using test::TempDir;

class PackBlockStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }
  PackBlockStoreOptions options() const {
    PackBlockStoreOptions o;
    o.gc_grace = std::chrono::seconds(0);
    o.packs.pack_limit = 1 << 20;  // four chunks a pack: rotation is exercised
    return o;
  }
  void reopen() {
    store.reset();
    auto opened = PackBlockStore::open(dir.path() / "blocks", options());
    ASSERT_TRUE(opened) << opened.error().message;
    store = std::move(*opened);
  }
  std::vector<std::filesystem::path> packs() const {
    std::vector<std::filesystem::path> out;
    for (const auto& e : std::filesystem::directory_iterator(dir.path() / "blocks" / "packs"))
      out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
  }
  static Cid raw(const Bytes& b) { return Cid::of(Multicodec::raw, b); }

  TempDir dir;
  std::unique_ptr<PackBlockStore> store;
};

TEST_F(PackBlockStoreTest, ABlockIsReadableBeforeItIsSynced) {
  const Bytes block = pseudo_random_bytes(1000, 1);
  ASSERT_TRUE(store->put(raw(block), block));
  EXPECT_TRUE(*store->has(raw(block)));
  auto got = store->get(raw(block));  // still in the staging buffer when asked
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, block);
}

// The process dies (no destructor, no sync) after one synced block and more unsynced ones that
// reached a second and a third pack: on reopen the synced block is there, the unsynced ones are
// not (their entries were never indexed), and the packs are cut back to what the sync recorded.
TEST_F(PackBlockStoreTest, ACrashKeepsSyncedBlocksAndCutsThePacksBack) {
  const Bytes synced = pseudo_random_bytes(kChunkSize, 2);
  std::vector<Bytes> unsynced;
  for (std::uint64_t i = 0; i < 6; ++i) unsynced.push_back(pseudo_random_bytes(kChunkSize, 10 + i));
  store.reset();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto s = PackBlockStore::open(dir.path() / "blocks", options());
    if (!s || !(*s)->put(raw(synced), synced) || !(*s)->sync()) ::_exit(1);
    for (const auto& b : unsynced)
      if (!(*s)->put(raw(b), b)) ::_exit(1);
    // Make sure the unsynced bytes did reach the files: the crash must have something to cut.
    if (!(*s)->get(raw(unsynced.back()))) ::_exit(1);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  std::uintmax_t before = 0;
  for (const auto& p : packs()) before += std::filesystem::file_size(p);
  EXPECT_GE(before, 7 * kChunkSize) << "the child wrote every block out";
  reopen();
  ASSERT_EQ(packs().size(), 1u) << "the packs no sync recorded are removed";
  EXPECT_EQ(std::filesystem::file_size(packs()[0]), kChunkSize) << "cut to its synced length";
  auto got = store->get(raw(synced));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, synced);
  for (const auto& b : unsynced) EXPECT_FALSE(*store->has(raw(b)));
  // Sending them again works, into a new pack.
  for (const auto& b : unsynced) ASSERT_TRUE(store->put(raw(b), b));
  ASSERT_TRUE(store->sync());
  reopen();
  for (const auto& b : unsynced) EXPECT_EQ(*store->get(raw(b)), b);
}

// A write fails (here: the file-size limit, as a full disk would): the put or the sync says so
// and that the unsynced blocks were dropped, the synced ones stay, and the store goes on in a
// new pack. Run in a child process, which alone gets the limit.
TEST_F(PackBlockStoreTest, AWriteErrorDropsOnlyTheUnsyncedBlocksAndTheStoreGoesOn) {
  const Bytes synced = pseudo_random_bytes(kChunkSize, 70), after = pseudo_random_bytes(999, 71);
  std::vector<Bytes> lost;
  for (std::uint64_t i = 0; i < 40; ++i) lost.push_back(pseudo_random_bytes(kChunkSize, 80 + i));
  PackBlockStoreOptions big_packs = options();
  big_packs.packs.pack_limit = 1ull << 30;
  store.reset();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto s = PackBlockStore::open(dir.path() / "blocks", big_packs);
    if (!s || !(*s)->put(raw(synced), synced) || !(*s)->sync()) ::_exit(1);
    std::signal(SIGXFSZ, SIG_IGN);  // writes past the limit fail with EFBIG instead
    const rlimit limit{3 << 20, 3 << 20};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(2);
    Status failed = Status::ok();
    for (const auto& b : lost)
      if (failed = (*s)->put(raw(b), b); !failed) break;
    if (failed) failed = (*s)->sync();
    if (failed) ::_exit(3);  // 10 MiB never fitted under a 3 MiB limit
    if (failed.error().code != Errc::io ||
        failed.error().message.find("dropped") == std::string::npos)
      ::_exit(4);
    if (!(*s)->put(raw(after), after) || !(*s)->sync()) ::_exit(5);  // a new pack
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0) << "the child's step that failed (see the codes above)";
  reopen();
  EXPECT_EQ(*store->get(raw(synced)), synced);
  EXPECT_EQ(*store->get(raw(after)), after);
  for (const auto& b : lost) EXPECT_FALSE(*store->has(raw(b)));
}

TEST_F(PackBlockStoreTest, PacksRotateAndAPackWithNoLiveBlockIsRemoved) {
  const Bytes kept = pseudo_random_bytes(2 * kChunkSize, 3);
  auto pinned = import_bytes(*store, kept);
  ASSERT_TRUE(pinned);
  ASSERT_TRUE(store->pin(pinned->root));
  for (std::uint64_t i = 0; i < 12; ++i) {
    const Bytes b = pseudo_random_bytes(kChunkSize, 100 + i);
    ASSERT_TRUE(store->put(raw(b), b));
  }
  ASSERT_TRUE(store->sync());
  const auto before = packs().size();
  EXPECT_GE(before, 3u) << "15 blocks in packs of at most 1 MiB";
  auto gc = store->collect_garbage();
  ASSERT_TRUE(gc) << gc.error().message;
  EXPECT_EQ(gc->blocks_removed, 12u);
  EXPECT_LT(packs().size(), before);
  EXPECT_LE(packs().size(), 2u) << "the pinned file's pack and the one being appended to";
  Bytes out;
  ASSERT_TRUE(read_file(*store, pinned->root, [&](ByteView b) {
    out.insert(out.end(), b.begin(), b.end());
    return Status::ok();
  }));
  EXPECT_EQ(out, kept);
  reopen();
  EXPECT_EQ(*store->pins(), std::vector<Cid>{pinned->root});
}

TEST_F(PackBlockStoreTest, SendingABlockAgainRepairsACorruptCopy) {
  const Bytes block = pseudo_random_bytes(5000, 4);
  ASSERT_TRUE(store->put(raw(block), block));
  ASSERT_TRUE(store->sync());
  store.reset();
  {
    std::fstream f(packs()[0], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(17);
    f.put(static_cast<char>(block[17] ^ 0x80));
  }
  reopen();
  auto bad = store->get(raw(block));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::corruption);
  ASSERT_TRUE(store->put(raw(block), block));
  ASSERT_TRUE(store->sync());
  reopen();
  auto good = store->get(raw(block));
  ASSERT_TRUE(good) << good.error().message;
  EXPECT_EQ(*good, block);
}

TEST_F(PackBlockStoreTest, APackCutShortIsReportedAsCorruption) {
  const Bytes block = pseudo_random_bytes(kChunkSize, 5);
  ASSERT_TRUE(store->put(raw(block), block));
  ASSERT_TRUE(store->sync());
  store.reset();
  std::filesystem::resize_file(packs()[0], 1000);
  reopen();
  auto got = store->get(raw(block));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, Errc::corruption);
  EXPECT_NE(got.error().message.find(raw(block).to_string()), std::string::npos);
}

TEST_F(PackBlockStoreTest, RefusesABlockLargerThanAStagingBuffer) {
  PackBlockStoreOptions small = options();
  small.packs.buffer_bytes = 64 << 10;
  store.reset();
  auto opened = PackBlockStore::open(dir.path() / "blocks", small);
  ASSERT_TRUE(opened);
  store = std::move(*opened);
  const Bytes big = pseudo_random_bytes(100 << 10, 6);
  auto s = store->put(raw(big), big);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Errc::too_large);
  EXPECT_FALSE(*store->has(raw(big)));
  const Bytes fits = pseudo_random_bytes(60 << 10, 7);
  EXPECT_TRUE(store->put(raw(fits), fits));
}

// Where O_DIRECT is not available (or turned off) the packs are written through the page cache;
// the same rules hold.
TEST_F(PackBlockStoreTest, WithoutDirectIoTheSameBlocksComeBack) {
  PackBlockStoreOptions buffered = options();
  buffered.packs.direct_io = false;
  store.reset();
  std::vector<Bytes> blocks;
  for (std::uint64_t i = 0; i < 9; ++i)
    blocks.push_back(pseudo_random_bytes(1 + 70000 * i, 60 + i));
  {
    auto opened = PackBlockStore::open(dir.path() / "blocks", buffered);
    ASSERT_TRUE(opened);
    for (const auto& b : blocks) ASSERT_TRUE((*opened)->put(raw(b), b));
    ASSERT_TRUE((*opened)->sync());
  }
  reopen();  // with O_DIRECT again: the format is the same
  for (const auto& b : blocks) {
    auto got = store->get(raw(b));
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(*got, b);
  }
}

TEST_F(PackBlockStoreTest, ManyWritersAndReadersAtOnce) {
  constexpr int kThreads = 4, kBlocks = 40;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kBlocks; ++i) {
        const Bytes b = pseudo_random_bytes(4096 * (1 + i % 20) + 7 * t,
                                            static_cast<std::uint64_t>(1000 * t + i));
        if (!store->put(raw(b), b)) ++failures;
        auto got = store->get(raw(b));
        if (!got || *got != b) ++failures;
        if (i % 10 == 0 && !store->sync()) ++failures;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_TRUE(store->sync());
  reopen();
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kBlocks; ++i) {
      const Bytes b = pseudo_random_bytes(4096 * (1 + i % 20) + 7 * t,
                                          static_cast<std::uint64_t>(1000 * t + i));
      auto got = store->get(raw(b));
      ASSERT_TRUE(got) << got.error().message;
      EXPECT_EQ(*got, b);
    }
}

TEST(PackIndexEntry, RoundTripsAndRefusesBadValues) {
  const BlockIndexEntry e{{7, 3 * kPackAlignment, 262144}, 1'700'000'123};
  const Bytes value = encode_index_entry(e);
  ASSERT_EQ(value.size(), kIndexEntryBytes);
  auto back = decode_index_entry(value);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->where, e.where);
  EXPECT_EQ(back->written_at, e.written_at);
  for (std::size_t size : {0, 23, 25}) {
    Bytes wrong = value;
    wrong.resize(size);
    auto r = decode_index_entry(wrong);
    ASSERT_FALSE(r) << size;
    EXPECT_EQ(r.error().code, Errc::corruption);
  }
  Bytes unaligned = value;
  unaligned[11] ^= 0x01;  // the offset's lowest byte
  EXPECT_EQ(decode_index_entry(unaligned).error().code, Errc::corruption);
}

TEST(PackRecord, RoundTripsAndRefusesBadSizes) {
  const Bytes key = encode_pack_key(0x01020304), value = encode_pack_length(5 * kPackAlignment);
  auto back = decode_pack_record(key, value);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->pack, 0x01020304u);
  EXPECT_EQ(back->length, 5 * kPackAlignment);
  EXPECT_EQ(decode_pack_record(ByteView(key).first(3), value).error().code, Errc::corruption);
  EXPECT_EQ(decode_pack_record(key, ByteView(value).first(7)).error().code, Errc::corruption);
}

TEST(PackFileName, ParsesOnlyItsOwnNames) {
  EXPECT_EQ(pack_file_name(42), "0000000042.pack");
  EXPECT_EQ(*parse_pack_name("0000000042.pack"), 42u);
  for (const char* name : {"42.pack", "000000004x.pack", "0000000042.pak", "+000000042.pack",
                           "00000000042.pack", "9999999999.pack", "LOCK"})
    EXPECT_FALSE(parse_pack_name(name)) << name;
}

}  // namespace
}  // namespace pv::content
