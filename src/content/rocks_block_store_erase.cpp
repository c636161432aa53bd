// RocksBlockStore's erasure of DAGs (docs/erasure.md): the blocks' keys and write times, then
// their bytes in the blob and table files.

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "content/dag_walk.hpp"
#include "content/rocks_block_store.hpp"
#include "content/rocks_pin_table.hpp"

namespace pv::content {

Result<EraseReport> RocksBlockStore::erase_dags(std::span<const Cid> roots) {
  std::unique_lock exclusive(gc_mutex_);
  EraseReport report;
  auto [dag, missing] = dag_blocks(*this, roots);
  report.blocks_missing = static_cast<std::uint32_t>(missing.size());
  RocksPinTable pins(db_.get(), pins_);
  for (const Cid& root : roots)
    if (auto s = pins.remove(root); !s && s.error().code != Errc::not_found) return s.error();
  auto live = pinned_block_digests(*this);
  if (!live) return live.error();
  rocksdb::WriteBatch gone;
  for (const auto& digest : dag) {
    if (live->contains(digest)) {
      ++report.blocks_shared;
      continue;
    }
    auto s = gone.Delete(blocks_, rocks_slice(digest.view()));
    if (s.ok()) s = gone.Delete(written_, rocks_slice(digest.view()));
    if (!s.ok()) return rocks_error(s, "erasure");
    report.erased.push_back(digest);
    ++report.blocks_deleted;
  }
  if (gone.Count() > 0) {
    rocksdb::WriteOptions sync_write;
    sync_write.sync = true;
    if (auto s = db_->Write(sync_write, &gone); !s.ok()) return rocks_error(s, "erasure");
  }
  // The deletions reach the table files; then no blob or table file keeps the old bytes.
  rocksdb::FlushOptions flush;
  flush.wait = true;
  if (auto s = db_->Flush(flush, {blocks_, written_}); !s.ok())
    return rocks_error(s, "erasure flush");
  if (options_.blob_files) {
    PV_TRY(reclaim_blob_space());
  } else {
    rocksdb::CompactRangeOptions compact;
    compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    if (auto s = db_->CompactRange(compact, blocks_, nullptr, nullptr); !s.ok())
      return rocks_error(s, "erasure compaction");
  }
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  if (auto s = db_->CompactRange(compact, written_, nullptr, nullptr); !s.ok())
    return rocks_error(s, "erasure compaction");
  report.compacted = true;
  return report;
}

}  // namespace pv::content
