#pragma once
// The node's local blockstore: a RocksDB database of its own (meant for <data-dir>/blocks),
// separate from the ledger's, so content writes and garbage collection never sit in the
// ledger's commit path. Column families:
//   default  key: 32-byte sha2-256 digest    value: the block bytes
//   pins     key: binary CIDv1 of the root   value: empty
//   written  key: 32-byte sha2-256 digest    value: 8-byte big-endian unix time of the last put
//            (kept as long as the block: it is also the presence index has() reads)
// Large values go to RocksDB blob files (key-value separation), so compaction moves keys, not
// 256 KiB chunks, and blocks skip the WAL (written once, at flush; sync() flushes).
// Durability rule: puts are not durable until sync(); pin() syncs before it writes (synced) the
// pin record, so an acknowledged pin never names a block a crash could lose. Uploads therefore
// write unsynced and pay for one flush, at the pin.
// Garbage-collection rule: a block written less than `gc_grace` ago is never collected, pinned
// or not, so an upload that sends its blocks in several requests and pins its root at the end
// cannot lose its first blocks to a collection in between, even across a node restart. Puts and
// pins share a lock that collect_garbage() takes exclusively (each call takes it once: there is
// no lock that a caller holds across calls).
// docs/content-store.md has the measurement behind this choice.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <shared_mutex>

#include "content/local_block_store.hpp"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
struct ReadOptions;
}  // namespace rocksdb

namespace pv::content {

struct RocksBlockStoreOptions {
  // Store values of 4 KiB and more in blob files (measured faster for 256 KiB blocks).
  bool blob_files = true;
  // Write blocks through the write-ahead log. Off by default: each block is then written to
  // disk once (at flush, into a blob file) instead of twice, and sync() flushes the memtable.
  bool block_wal = false;
  // How long a block written and not (yet) reachable from a pin is kept from garbage
  // collection: the time an upload has between its first block and its pin.
  std::chrono::seconds gc_grace = std::chrono::hours(24);
  // Unix time in seconds; tests replace it to step over the grace period.
  std::function<std::int64_t()> clock{};
};

class RocksBlockStore final : public LocalBlockStore {
 public:
  // Opens or creates the store in `dir`.
  [[nodiscard]] static Result<std::unique_ptr<RocksBlockStore>> open(
      const std::filesystem::path& dir, RocksBlockStoreOptions options = {});
  ~RocksBlockStore() override;

  [[nodiscard]] Result<Bytes> get(const Cid& cid) override;
  [[nodiscard]] Result<bool> has(const Cid& cid) override;
  [[nodiscard]] Status sync() override;
  [[nodiscard]] Status pin(const Cid& root) override;
  [[nodiscard]] Status unpin(const Cid& root) override;
  [[nodiscard]] Result<std::vector<Cid>> pins() override;
  [[nodiscard]] Result<GcReport> collect_garbage() override;
  // A record's erasure (docs/erasure.md): the DAGs' blocks that no other pinned root reaches are
  // deleted with their write times, the memtables flushed, and one compaction with blob garbage
  // collection over every blob file rewrites the live blobs out of the files that held the
  // deleted ones and drops those files (without blob files: a forced bottommost compaction).
  // Exclusive with puts, pins and collections. No erased() marker: a data directory of this
  // format that needs one is migrated to the pack store (docs/content-store.md).
  [[nodiscard]] Result<EraseReport> erase_dags(std::span<const Cid> roots) override;

 private:
  RocksBlockStore() = default;
  // Writes the blocks and their write times in one unsynced batch.
  [[nodiscard]] Status write_blocks(std::span<const BlockView> blocks) override;
  std::int64_t now() const;
  [[nodiscard]] Status reclaim_blob_space();
  static rocksdb::ReadOptions block_read();
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* blocks_ = nullptr;
  rocksdb::ColumnFamilyHandle* pins_ = nullptr;
  rocksdb::ColumnFamilyHandle* written_ = nullptr;
  RocksBlockStoreOptions options_;
  // Shared by put*() and pin(), exclusive in collect_garbage(); never held across calls.
  std::shared_mutex gc_mutex_;
};

}  // namespace pv::content
