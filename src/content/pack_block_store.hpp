#pragma once
// The node's local blockstore: block bytes in append-only pack files, an index in RocksDB.
//   <dir>/packs/0000000001.pack ...   blocks, each at a 4 KiB boundary, zero-padded
//   <dir>/index/                      RocksDB, column families:
//       locations  key: 32-byte sha2-256 digest   value: pack, offset, length, write time
//                  (content/pack_location.hpp)
//       pins       key: binary CIDv1 of the root  value: empty
//       packs      key: 4-byte pack number        value: 8-byte length durable at the last sync
// Why not RocksDB values: RocksDB checksums, copies and rewrites every value it holds (its CRC32C
// alone was 28% of a 1 GiB ingest's CPU); a pack write is one O_DIRECT write from the staging
// buffer, overlapped with hashing (docs/content-store.md has the measurement).
// Durability rule: a put is visible at once but durable only after sync(). sync() writes out
// and fdatasyncs the packs, then writes the new index entries and the packs' durable lengths in
// one synced RocksDB batch, so the index never names bytes a crash could lose; pin() syncs
// before it writes its pin record. Opening the store cuts every pack back to its durable length
// and removes packs no sync recorded (what a crash left behind).
// Garbage-collection rule: as RocksBlockStore's (a grace period for recent writes; puts and pins
// exclusive with a collection). A collection deletes index entries, then punches the blocks'
// space out of the packs (fallocate PUNCH_HOLE) and removes packs left with no live block.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <span>

#include "content/local_block_store.hpp"
#include "content/pack_appender.hpp"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace pv::content {

struct PackBlockStoreOptions {
  // How long a block written and not (yet) reachable from a pin is kept from collection.
  std::chrono::seconds gc_grace = std::chrono::hours(24);
  // Unix time in seconds; tests replace it to step over the grace period.
  std::function<std::int64_t()> clock{};
  PackAppenderOptions packs{};
};

class PackBlockStore final : public LocalBlockStore {
 public:
  // Opens or creates the store in `dir` (recovering from a crash as the header says).
  [[nodiscard]] static Result<std::unique_ptr<PackBlockStore>> open(
      const std::filesystem::path& dir, PackBlockStoreOptions options = {});
  ~PackBlockStore() override;

  [[nodiscard]] Result<Bytes> get(const Cid& cid) override;
  [[nodiscard]] Status read_into(const Cid& cid, Bytes& out) override;
  [[nodiscard]] Result<bool> has(const Cid& cid) override;
  [[nodiscard]] Status sync() override;
  [[nodiscard]] Status pin(const Cid& root) override;
  [[nodiscard]] Status unpin(const Cid& root) override;
  [[nodiscard]] Result<std::vector<Cid>> pins() override;
  [[nodiscard]] Result<GcReport> collect_garbage() override;
  // Erasure: unpins `root`, then deletes every block of its DAG that no other pinned root
  // reaches: the index entries in one synced batch, then the bytes (each block's slot punched
  // out of its pack, or overwritten with zeros where the file system cannot punch, fdatasynced;
  // a pack left with no live block is removed), then Flush and a forced bottommost compaction
  // of the index so no SST keeps the old entries. Idempotent: a second call finds the blocks
  // missing. Exclusive with puts, pins and collections.
  [[nodiscard]] Result<EraseReport> erase_dag(const Cid& root);
  // The same for several roots at once (a record's content and its key envelopes): one synced
  // index batch and one compaction for all of them.
  [[nodiscard]] Result<EraseReport> erase_dags(std::span<const Cid> roots) override;
  // Every block erase_dag removed (or found missing) stays marked erased, across restarts: a put
  // of it is refused and erased() says so, so that no read falls back to a peer for it and no
  // replication brings its bytes back onto this node.
  [[nodiscard]] Result<bool> erased(const Cid& cid) override;

  // The directory of the pack files (tests look at them).
  std::filesystem::path pack_dir() const { return dir_ / "packs"; }

 private:
  class ReadFile;
  PackBlockStore() = default;
  [[nodiscard]] Status write_blocks(std::span<const BlockView> blocks) override;
  // sync() with write_mutex_ held.
  [[nodiscard]] Status commit();
  // After a write error: drops the unsynced entries, starts a new appender, explains `error`.
  [[nodiscard]] Status appender_failed(const Error& error);
  // The block's entry: unsynced ones first, then the index. `readable`: an unsynced block's
  // bytes are written out to its pack first, so they can be read there.
  [[nodiscard]] Result<std::optional<BlockIndexEntry>> find(const Hash32& digest, bool readable);
  [[nodiscard]] Result<std::optional<BlockIndexEntry>> find_indexed(const Hash32& digest);
  [[nodiscard]] Status read(const Cid& cid, const PackLocation& where, Bytes& out);
  [[nodiscard]] Result<std::shared_ptr<ReadFile>> read_file(std::uint32_t pack);
  [[nodiscard]] Status recover_packs();
  [[nodiscard]] Status release_space(const std::vector<PackLocation>& dead,
                                     const std::set<std::uint32_t>& empty_packs);
  // Erasure's byte removal: punch, or zero-fill where punching is not supported; fdatasync.
  [[nodiscard]] Status destroy_slots(const std::vector<PackLocation>& dead);
  [[nodiscard]] Status compact_index();
  std::int64_t now() const { return options_.clock(); }

  std::filesystem::path dir_;
  PackBlockStoreOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* locations_ = nullptr;
  rocksdb::ColumnFamilyHandle* pins_ = nullptr;
  rocksdb::ColumnFamilyHandle* packs_ = nullptr;
  rocksdb::ColumnFamilyHandle* erased_ = nullptr;  // digests of erased blocks (empty values)
  std::set<Hash32> erased_digests_;                // the same, in memory (erasures are rare)
  mutable std::mutex erased_mutex_;

  // Guards the appender and the unsynced entries (puts since the last sync).
  std::mutex write_mutex_;
  std::unique_ptr<PackAppender> appender_;
  std::map<Hash32, BlockIndexEntry> unsynced_;

  std::mutex read_files_mutex_;
  std::map<std::uint32_t, std::shared_ptr<ReadFile>> read_files_;

  // Shared by put*() and pin(), exclusive in collect_garbage(); never held across calls.
  std::shared_mutex gc_mutex_;
};

}  // namespace pv::content
