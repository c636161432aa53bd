#pragma once
// The pin records both local blockstores keep in a RocksDB column family (key: binary CIDv1 of
// the root, value: empty), the pinning procedure they share, and small RocksDB helpers.

#include <rocksdb/db.h>

#include <string>
#include <vector>

#include "content/block_store.hpp"

namespace pv::content {

inline rocksdb::Slice rocks_slice(ByteView b) {
  return rocksdb::Slice(reinterpret_cast<const char*>(b.data()), b.size());
}
inline ByteView rocks_view(const rocksdb::Slice& s) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}
// "blockstore: <what>: <RocksDB's message>", Errc::corruption or Errc::io.
Error rocks_error(const rocksdb::Status& s, const std::string& what);

class RocksPinTable {
 public:
  RocksPinTable(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family) : db_(db), family_(family) {}
  [[nodiscard]] Result<bool> contains(const Cid& root);
  // Synced writes: a pin or an unpin is durable when it returns.
  [[nodiscard]] Status add(const Cid& root);
  [[nodiscard]] Status remove(const Cid& root);  // Errc::not_found if it is not pinned
  [[nodiscard]] Result<std::vector<Cid>> list();

 private:
  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* family_;
};

// Pins `root` in `store`: nothing to do if already pinned (that pin was written only after its
// whole DAG was walked and durable, and collection never takes a pinned block); otherwise
// store.sync() first (the pin record must never be durable before the blocks it names), then
// a walk that finds every block of the DAG, then the pin record. The caller holds its
// collection lock shared.
[[nodiscard]] Status pin_whole_dag(BlockStore& store, RocksPinTable& pins, const Cid& root);

}  // namespace pv::content
