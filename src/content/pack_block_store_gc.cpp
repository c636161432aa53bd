// PackBlockStore's garbage collection: index entries first, then the disk space.

#include <fcntl.h>
#include <rocksdb/write_batch.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "content/dag_walk.hpp"
#include "content/pack_block_store.hpp"
#include "content/rocks_pin_table.hpp"

namespace pv::content {

Result<GcReport> PackBlockStore::collect_garbage() {
  // Exclusive: no put or pin runs until the collection ends, so a block cannot be written (or
  // pinned) between the moment it is judged unreachable and the moment it is deleted.
  std::unique_lock exclusive(gc_mutex_);
  {
    std::lock_guard lock(write_mutex_);
    PV_TRY(commit());  // every block is now in the index
  }
  auto live = pinned_block_digests(*this);
  if (!live) return live.error();
  const std::int64_t young_after = now() - options_.gc_grace.count();
  GcReport report;
  rocksdb::WriteBatch gone;
  std::vector<PackLocation> dead;
  std::set<std::uint32_t> packs_in_use;
  if (auto current = appender_->current_pack()) packs_in_use.insert(*current);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), locations_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto entry = decode_index_entry(rocks_view(it->value()));
    if (!entry)
      return make_error(entry.error().code,
                        "garbage collection stopped, nothing removed: " + entry.error().message);
    auto digest = Hash32::from(rocks_view(it->key()));
    const bool pinned = digest && live->contains(*digest);
    if (pinned || entry->written_at > young_after) {
      ++report.blocks_kept;
      if (!pinned) ++report.blocks_in_grace;
      packs_in_use.insert(entry->where.pack);
      continue;
    }
    if (auto s = gone.Delete(locations_, it->key()); !s.ok())
      return rocks_error(s, "garbage collection");
    dead.push_back(entry->where);
    if (digest) report.removed.push_back(*digest);
    ++report.blocks_removed;
    report.bytes_removed += entry->where.length;
  }
  if (!it->status().ok()) return rocks_error(it->status(), "garbage collection");
  // Packs no kept block lives in go as a whole.
  std::set<std::uint32_t> empty_packs;
  std::unique_ptr<rocksdb::Iterator> packs(db_->NewIterator(rocksdb::ReadOptions(), packs_));
  for (packs->SeekToFirst(); packs->Valid(); packs->Next()) {
    auto record = decode_pack_record(rocks_view(packs->key()), rocks_view(packs->value()));
    if (!record)
      return make_error(record.error().code,
                        "garbage collection stopped, nothing removed: " + record.error().message);
    const std::uint32_t pack = record->pack;
    if (packs_in_use.contains(pack)) continue;
    if (auto s = gone.Delete(packs_, packs->key()); !s.ok())
      return rocks_error(s, "garbage collection");
    empty_packs.insert(pack);
  }
  if (!packs->status().ok()) return rocks_error(packs->status(), "garbage collection");
  if (gone.Count() == 0) return report;
  rocksdb::WriteOptions sync_write;
  sync_write.sync = true;
  if (auto s = db_->Write(sync_write, &gone); !s.ok()) return rocks_error(s, "garbage collection");
  PV_TRY(release_space(dead, empty_packs));
  return report;
}

// After the index no longer names them: whole packs are removed, the other dead blocks' slots
// punched out of their packs. A crash before this only leaves the space unreleased.
Status PackBlockStore::release_space(const std::vector<PackLocation>& dead,
                                     const std::set<std::uint32_t>& empty_packs) {
  for (std::uint32_t pack : empty_packs) {
    {
      std::lock_guard lock(read_files_mutex_);
      read_files_.erase(pack);
    }
    std::error_code ec;
    std::filesystem::remove(pack_dir() / pack_file_name(pack), ec);
    if (ec)
      return make_error(Errc::io, "blockstore: blocks removed, but not the empty pack " +
                                      pack_file_name(pack) + ": " + ec.message());
  }
  std::map<std::uint32_t, std::vector<PackLocation>> by_pack;
  for (const auto& where : dead)
    if (!empty_packs.contains(where.pack) && where.length > 0) by_pack[where.pack].push_back(where);
  for (const auto& [pack, slots] : by_pack) {
    const auto path = pack_dir() / pack_file_name(pack);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) continue;  // already gone: nothing to release
    int err = 0;
    for (const auto& where : slots)
      if (::fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                      static_cast<off_t>(where.offset),
                      static_cast<off_t>(pack_slot(where.length))) != 0) {
        err = errno;
        break;
      }
    ::close(fd);
    // A file system without hole punching gives the space back when the whole pack goes.
    if (err != 0 && err != EOPNOTSUPP)
      return make_error(Errc::io, "blockstore: blocks removed, but their space in " +
                                      path.string() + " was not released: " + std::strerror(err));
  }
  return Status::ok();
}

}  // namespace pv::content
