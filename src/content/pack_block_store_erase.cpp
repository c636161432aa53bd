// PackBlockStore's erasure of one DAG (docs/erasure.md): index entries, then the bytes on disk,
// then the index's SST files.

#include <fcntl.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "content/dag_walk.hpp"
#include "content/pack_block_store.hpp"
#include "content/rocks_pin_table.hpp"

namespace pv::content {
namespace {

// Overwrites [offset, offset + length) with zeros.
int zero_fill(int fd, std::uint64_t offset, std::uint64_t length) {
  static const Bytes zeros(64 * 1024, 0);
  while (length > 0) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(length, zeros.size()));
    const ssize_t w = ::pwrite(fd, zeros.data(), n, static_cast<off_t>(offset));
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    offset += static_cast<std::uint64_t>(w);
    length -= static_cast<std::uint64_t>(w);
  }
  return 0;
}

}  // namespace

Result<EraseReport> PackBlockStore::erase_dag(const Cid& root) {
  return erase_dags(std::span<const Cid>(&root, 1));
}

Result<EraseReport> PackBlockStore::erase_dags(std::span<const Cid> roots) {
  std::unique_lock exclusive(gc_mutex_);
  {
    std::lock_guard lock(write_mutex_);
    PV_TRY(commit());  // every block is now in the index
  }
  // The DAG's blocks, as far as this store holds them (a missing block is counted, not fatal:
  // the erasure must go on with what is here).
  EraseReport report;
  auto [dag, missing] = dag_blocks(*this, roots);
  report.blocks_missing = static_cast<std::uint32_t>(missing.size());
  RocksPinTable pins(db_.get(), pins_);
  for (const Cid& root : roots)
    if (auto s = pins.remove(root); !s && s.error().code != Errc::not_found) return s.error();
  auto live = pinned_block_digests(*this);
  if (!live) return live.error();

  rocksdb::WriteBatch gone;
  std::vector<PackLocation> dead;
  // What this node never held (or erased before) is marked too, so it is never fetched here.
  for (const auto& digest : missing)
    if (auto s = gone.Put(erased_, rocks_slice(digest.view()), rocksdb::Slice()); !s.ok())
      return rocks_error(s, "erasure");
  for (const auto& digest : dag) {
    if (live->contains(digest)) {
      ++report.blocks_shared;
      continue;
    }
    // Marked erased whether or not this node held it, so it is never fetched or stored again.
    if (auto s = gone.Put(erased_, rocks_slice(digest.view()), rocksdb::Slice()); !s.ok())
      return rocks_error(s, "erasure");
    auto entry = find_indexed(digest);
    if (!entry) return entry.error();
    if (!*entry) continue;
    if (auto s = gone.Delete(locations_, rocks_slice(digest.view())); !s.ok())
      return rocks_error(s, "erasure");
    dead.push_back((*entry)->where);
    report.erased.push_back(digest);
    ++report.blocks_deleted;
  }
  if (gone.Count() > 0) {
    rocksdb::WriteOptions sync_write;
    sync_write.sync = true;
    if (auto s = db_->Write(sync_write, &gone); !s.ok()) return rocks_error(s, "erasure");
    std::lock_guard lock(erased_mutex_);
    for (const auto& digest : dag)
      if (!live->contains(digest)) erased_digests_.insert(digest);
    erased_digests_.insert(missing.begin(), missing.end());
  }
  {
    std::lock_guard lock(read_files_mutex_);
    read_files_.clear();  // no cached descriptor keeps reading the old bytes
  }
  PV_TRY(destroy_slots(dead));
  PV_TRY(compact_index());
  report.compacted = true;
  return report;
}

Status PackBlockStore::destroy_slots(const std::vector<PackLocation>& dead) {
  std::map<std::uint32_t, std::vector<PackLocation>> by_pack;
  for (const auto& where : dead)
    if (where.length > 0) by_pack[where.pack].push_back(where);
  for (const auto& [pack, slots] : by_pack) {
    const auto path = pack_dir() / pack_file_name(pack);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) continue;  // already gone
      return make_error(Errc::io,
                        "erasure: cannot open " + path.string() + ": " + std::strerror(errno));
    }
    int err = 0;
    for (const auto& where : slots) {
      const auto offset = static_cast<off_t>(where.offset);
      const auto length = static_cast<off_t>(pack_slot(where.length));
      if (::fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length) == 0)
        continue;
      // No hole punching here (EOPNOTSUPP): overwrite the bytes instead.
      err = errno == EOPNOTSUPP ? zero_fill(fd, where.offset, pack_slot(where.length)) : errno;
      if (err != 0) break;
    }
    if (err == 0 && ::fdatasync(fd) != 0) err = errno;
    ::close(fd);
    if (err != 0)
      return make_error(Errc::io,
                        "erasure: the index no longer names the blocks, but their bytes "
                        "in " +
                            path.string() + " were not removed: " + std::strerror(err));
  }
  return Status::ok();
}

Status PackBlockStore::compact_index() {
  rocksdb::FlushOptions flush;
  flush.wait = true;
  if (auto s = db_->Flush(flush, locations_); !s.ok()) return rocks_error(s, "erasure flush");
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  compact.exclusive_manual_compaction = true;
  if (auto s = db_->CompactRange(compact, locations_, nullptr, nullptr); !s.ok())
    return rocks_error(s, "erasure compaction");
  return Status::ok();
}

Result<bool> PackBlockStore::erased(const Cid& cid) {
  std::lock_guard lock(erased_mutex_);
  return erased_digests_.contains(cid.digest());
}

}  // namespace pv::content
