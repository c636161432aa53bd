#include "content/rocks_block_store.hpp"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <array>
#include <mutex>

#include "content/dag_walk.hpp"
#include "content/rocks_pin_table.hpp"

namespace pv::content {
namespace {

std::array<std::uint8_t, 8> encode_time(std::int64_t t) {
  std::array<std::uint8_t, 8> out{};
  for (int i = 7; i >= 0; --i, t >>= 8) out[static_cast<std::size_t>(i)] = t & 0xff;
  return out;
}

// A record that is not 8 bytes reads as time 0 (long expired): the block is then treated as
// old, which only matters for a block that no pin reaches.
std::int64_t decode_time(ByteView b) {
  if (b.size() != 8) return 0;
  std::uint64_t t = 0;
  for (std::uint8_t byte : b) t = (t << 8) | byte;
  return static_cast<std::int64_t>(t);
}

}  // namespace

Result<std::unique_ptr<RocksBlockStore>> RocksBlockStore::open(const std::filesystem::path& dir,
                                                               RocksBlockStoreOptions options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return make_error(Errc::io, "blockstore: cannot create " + dir.string() + ": " + ec.message());
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  rocksdb::ColumnFamilyOptions blocks_options;
  if (options.blob_files) {
    blocks_options.enable_blob_files = true;
    blocks_options.min_blob_size = 4096;
    // Blob files are rewritten (garbage-collected) only by collect_garbage(), which turns this
    // on for one compaction: during ingest, relocating live blobs was 8% of the node's CPU.
    blocks_options.enable_blob_garbage_collection = false;
  }
  // Blocks and their write times (the presence index has() reads) are flushed together, so a
  // crash never leaves a write time whose block was lost.
  db_options.atomic_flush = true;
  // Flushes write blob files with O_DIRECT: no copy into the page cache (measured 19% of an
  // ingest's CPU in the kernel's copy) and nothing left dirty for the final sync.
  db_options.use_direct_io_for_flush_and_compaction = true;
  // Full memtables flush in parallel: a flush is CPU (RocksDB's blob CRC32C, portable code in
  // the packaged library) and then a synchronous O_DIRECT write, so with one flush thread (what
  // max_background_jobs = 4 alone gives) an ingest waited on the disk and the CRC in turn. Three
  // flush threads took a 1 GiB ingest from 0.28 to 0.41-0.44 GB/s (README, figures, issue 4).
  db_options.max_background_jobs = 4;
  db_options.max_background_flushes = 3;
  // Unsynced uploads accumulate in memtables until a flush: four of 16 MiB bound that memory
  // (the node's peak RSS must stay under 128 MB while it takes a multi-gigabyte upload), and
  // several background jobs let one memtable flush while the next fills.
  blocks_options.write_buffer_size = 16u << 20;
  blocks_options.max_write_buffer_number = 4;
  // Atomic flushes switch the write-time memtable together with the blocks' one, so it needs
  // as many of them: with RocksDB's default of 2 it stopped every write while two flushes were
  // pending ("[written] Stopping writes because we have 2 immutable memtables", 69 times in a
  // 1 GiB ingest). Its memtables hold 8 bytes per block; they stay tiny.
  rocksdb::ColumnFamilyOptions written_options;
  written_options.write_buffer_size = 4u << 20;
  written_options.max_write_buffer_number = blocks_options.max_write_buffer_number;
  std::vector<rocksdb::ColumnFamilyDescriptor> families{
      {rocksdb::kDefaultColumnFamilyName, blocks_options},
      {"pins", rocksdb::ColumnFamilyOptions()},
      {"written", written_options}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(db_options, dir.string(), families, &handles, &raw);
  if (!s.ok()) return rocks_error(s, "cannot open " + dir.string());
  std::unique_ptr<RocksBlockStore> store(new RocksBlockStore());
  store->db_.reset(raw);
  store->blocks_ = handles[0];
  store->pins_ = handles[1];
  store->written_ = handles[2];
  if (!options.clock)
    options.clock = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  store->options_ = std::move(options);
  return store;
}

RocksBlockStore::~RocksBlockStore() {
  if (!db_) return;
  (void)sync();
  db_->DestroyColumnFamilyHandle(blocks_);
  db_->DestroyColumnFamilyHandle(pins_);
  db_->DestroyColumnFamilyHandle(written_);
  (void)db_->Close();
}

std::int64_t RocksBlockStore::now() const {
  return options_.clock();
}

Status RocksBlockStore::write_blocks(std::span<const BlockView> blocks) {
  const auto written_at = encode_time(now());
  rocksdb::WriteBatch batch;
  for (const auto& b : blocks) {
    const rocksdb::Slice key = rocks_slice(b.cid.digest().view());
    auto s = batch.Put(blocks_, key, rocks_slice(b.bytes));
    if (s.ok()) s = batch.Put(written_, key, rocks_slice(written_at));
    if (!s.ok()) return rocks_error(s, "put " + b.cid.to_string());
  }
  rocksdb::WriteOptions write;
  write.disableWAL = !options_.block_wal;
  std::shared_lock no_collection(gc_mutex_);
  auto s = db_->Write(write, &batch);
  if (!s.ok()) return rocks_error(s, "write " + std::to_string(blocks.size()) + " block(s)");
  return Status::ok();
}

// RocksDB's own checksums are not checked on block reads: every block read is checked against
// its SHA-256 instead, which catches everything a CRC would (and the CRC code of the packaged
// RocksDB is its slow portable one: 14% of the node's CPU during an upload).
rocksdb::ReadOptions RocksBlockStore::block_read() {
  rocksdb::ReadOptions read;
  read.verify_checksums = false;
  return read;
}

Result<Bytes> RocksBlockStore::get(const Cid& cid) {
  rocksdb::PinnableSlice value;
  auto s = db_->Get(block_read(), blocks_, rocks_slice(cid.digest().view()), &value);
  if (s.IsNotFound())
    return make_error(Errc::not_found, "block " + cid.to_string() + " is not stored here");
  if (!s.ok()) return rocks_error(s, "get " + cid.to_string());
  ByteView bytes(reinterpret_cast<const std::uint8_t*>(value.data()), value.size());
  if (auto v = verify_block(cid, bytes); !v)
    return make_error(Errc::corruption,
                      "stored " + v.error().message + ": the local copy is corrupt");
  return Bytes(bytes.begin(), bytes.end());
}

Result<bool> RocksBlockStore::has(const Cid& cid) {
  // The write time is the presence index: written in the same batch as the block, deleted with
  // it, flushed atomically with it. A lookup there reads 8 bytes; a lookup of the block itself
  // reads its whole value from a blob file (it served pins: 13% of the node's CPU per upload).
  std::string written;
  auto s = db_->Get(rocksdb::ReadOptions(), written_, rocks_slice(cid.digest().view()), &written);
  if (s.ok()) return true;
  if (!s.IsNotFound()) return rocks_error(s, "has " + cid.to_string());
  // A store written before write times were kept has blocks without one: ask the block.
  rocksdb::PinnableSlice value;
  s = db_->Get(block_read(), blocks_, rocks_slice(cid.digest().view()), &value);
  if (s.IsNotFound()) return false;
  if (!s.ok()) return rocks_error(s, "has " + cid.to_string());
  return true;
}

Status RocksBlockStore::sync() {
  // Blocks written without the WAL live only in the memtable until a flush writes (and syncs)
  // them into blob and table files.
  if (!options_.block_wal) {
    rocksdb::FlushOptions flush;
    flush.wait = true;
    auto s = db_->Flush(flush, {blocks_, written_});
    if (!s.ok()) return rocks_error(s, "sync (flush)");
  }
  auto s = db_->SyncWAL();
  if (!s.ok()) return rocks_error(s, "sync");
  return Status::ok();
}

Status RocksBlockStore::pin(const Cid& root) {
  // Shared with puts, exclusive with collections: no block of the DAG walked here can be
  // collected before the pin record that protects it is written.
  std::shared_lock no_collection(gc_mutex_);
  RocksPinTable table(db_.get(), pins_);
  return pin_whole_dag(*this, table, root);
}

Status RocksBlockStore::unpin(const Cid& root) {
  return RocksPinTable(db_.get(), pins_).remove(root);
}

Result<std::vector<Cid>> RocksBlockStore::pins() {
  return RocksPinTable(db_.get(), pins_).list();
}

Result<GcReport> RocksBlockStore::collect_garbage() {
  // Exclusive: no put or pin runs until the collection ends, so a block cannot be written (or
  // pinned) between the moment it is judged unreachable and the moment it is deleted.
  std::unique_lock exclusive(gc_mutex_);
  auto live = pinned_block_digests(*this);
  if (!live) return live.error();
  const std::int64_t young_after = now() - options_.gc_grace.count();
  GcReport report;
  rocksdb::WriteOptions write;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), blocks_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto digest = Hash32::from(rocks_view(it->key()));
    if (digest && live->contains(*digest)) {
      ++report.blocks_kept;
      continue;
    }
    std::string written;
    auto w = db_->Get(rocksdb::ReadOptions(), written_, it->key(), &written);
    if (!w.ok() && !w.IsNotFound()) return rocks_error(w, "garbage collection");
    if (w.ok() && decode_time(as_bytes(written)) > young_after) {
      ++report.blocks_kept;
      ++report.blocks_in_grace;
      continue;
    }
    const std::uint64_t size = it->value().size();
    rocksdb::WriteBatch gone;  // the block and its write time together
    auto s = gone.Delete(blocks_, it->key());
    if (s.ok()) s = gone.Delete(written_, it->key());
    if (s.ok()) s = db_->Write(write, &gone);
    if (!s.ok()) return rocks_error(s, "garbage collection");
    ++report.blocks_removed;
    if (digest) report.removed.push_back(*digest);
    report.bytes_removed += size;
  }
  if (!it->status().ok()) return rocks_error(it->status(), "garbage collection");
  if (auto s = sync(); !s) return s.error();
  if (report.blocks_removed > 0 && options_.blob_files)
    if (auto s = reclaim_blob_space(); !s) return s.error();
  return report;
}

Status RocksBlockStore::reclaim_blob_space() {
  // One compaction with blob garbage collection over every blob file: live blobs are moved out
  // of files that hold deleted ones, and those files are dropped.
  auto s = db_->SetOptions(blocks_, {{"enable_blob_garbage_collection", "true"},
                                     {"blob_garbage_collection_age_cutoff", "1.0"}});
  if (s.ok()) {
    rocksdb::CompactRangeOptions compact;
    compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    s = db_->CompactRange(compact, blocks_, nullptr, nullptr);
  }
  auto off = db_->SetOptions(blocks_, {{"enable_blob_garbage_collection", "false"}});
  if (!s.ok()) return rocks_error(s, "garbage collection (compaction)");
  if (!off.ok()) return rocks_error(off, "garbage collection (options)");
  return Status::ok();
}

}  // namespace pv::content
