#pragma once
// The node's local blockstore: a RocksDB database of its own (meant for <data-dir>/blocks),
// separate from the ledger's, so content writes and garbage collection never sit in the
// ledger's commit path. Column families:
//   default  key: 32-byte sha2-256 digest    value: the block bytes
//   pins     key: binary CIDv1 of the root   value: empty
// Large values go to RocksDB blob files (key-value separation), so compaction moves keys, not
// 256 KiB chunks, and blocks skip the WAL (written once, at flush; sync() flushes).
// docs/content-store.md has the measurement behind this choice.

#include <filesystem>
#include <memory>
#include <shared_mutex>

#include "content/block_store.hpp"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace pv::content {

struct RocksBlockStoreOptions {
  // Store values of 4 KiB and more in blob files (measured faster for 256 KiB blocks).
  bool blob_files = true;
  // Write blocks through the write-ahead log. Off by default: each block is then written to
  // disk once (at flush, into a blob file) instead of twice, and sync() flushes the memtable.
  bool block_wal = false;
};

class RocksBlockStore final : public BlockStore {
 public:
  // Opens or creates the store in `dir`.
  [[nodiscard]] static Result<std::unique_ptr<RocksBlockStore>> open(
      const std::filesystem::path& dir, RocksBlockStoreOptions options = {});
  ~RocksBlockStore() override;

  [[nodiscard]] Status put(const Cid& cid, ByteView bytes) override;
  [[nodiscard]] Status put_hashed(HashedByImporter, const Cid& cid, ByteView bytes) override;
  [[nodiscard]] Result<Bytes> get(const Cid& cid) override;
  [[nodiscard]] Result<bool> has(const Cid& cid) override;
  [[nodiscard]] Status sync() override;
  [[nodiscard]] Status pin(const Cid& root) override;
  [[nodiscard]] Status unpin(const Cid& root) override;
  [[nodiscard]] Result<std::vector<Cid>> pins() override;
  [[nodiscard]] Result<GcReport> collect_garbage() override;
  [[nodiscard]] std::unique_ptr<GcHold> hold_gc() override;

 private:
  RocksBlockStore() = default;
  [[nodiscard]] Status write_block(const Cid& cid, ByteView bytes);
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* blocks_ = nullptr;
  rocksdb::ColumnFamilyHandle* pins_ = nullptr;
  RocksBlockStoreOptions options_;
  std::shared_mutex gc_mutex_;  // shared: holds and pin(); exclusive: collect_garbage()
};

}  // namespace pv::content
