#include "content/rocks_block_store.hpp"

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <mutex>
#include <set>

#include "content/dag_walk.hpp"

namespace pv::content {
namespace {

rocksdb::Slice slice(ByteView b) {
  return rocksdb::Slice(reinterpret_cast<const char*>(b.data()), b.size());
}

Error db_error(const rocksdb::Status& s, const std::string& what) {
  return make_error(s.IsCorruption() ? Errc::corruption : Errc::io,
                    "blockstore: " + what + ": " + s.ToString());
}

class SharedHold final : public GcHold {
 public:
  explicit SharedHold(std::shared_mutex& m) : lock_(m) {}

 private:
  std::shared_lock<std::shared_mutex> lock_;
};

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
    blocks_options.enable_blob_garbage_collection = true;
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> families{
      {rocksdb::kDefaultColumnFamilyName, blocks_options},
      {"pins", rocksdb::ColumnFamilyOptions()}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(db_options, dir.string(), families, &handles, &raw);
  if (!s.ok()) return db_error(s, "cannot open " + dir.string());
  std::unique_ptr<RocksBlockStore> store(new RocksBlockStore());
  store->db_.reset(raw);
  store->blocks_ = handles[0];
  store->pins_ = handles[1];
  store->options_ = options;
  return store;
}

RocksBlockStore::~RocksBlockStore() {
  if (!db_) return;
  (void)sync();
  db_->DestroyColumnFamilyHandle(blocks_);
  db_->DestroyColumnFamilyHandle(pins_);
  (void)db_->Close();
}

Status RocksBlockStore::put(const Cid& cid, ByteView bytes) {
  if (!cid.matches(bytes))
    return make_error(Errc::invalid_argument, "refused to store " + std::to_string(bytes.size()) +
                                                  " bytes under " + cid.to_string() +
                                                  ": they do not hash to that CID");
  return write_block(cid, bytes);
}

Status RocksBlockStore::put_hashed(HashedByImporter, const Cid& cid, ByteView bytes) {
  return write_block(cid, bytes);
}

Status RocksBlockStore::write_block(const Cid& cid, ByteView bytes) {
  rocksdb::WriteOptions write;
  write.disableWAL = !options_.block_wal;
  auto s = db_->Put(write, blocks_, slice(cid.digest().view()), slice(bytes));
  if (!s.ok()) return db_error(s, "put " + cid.to_string());
  return Status::ok();
}

Result<Bytes> RocksBlockStore::get(const Cid& cid) {
  rocksdb::PinnableSlice value;
  auto s = db_->Get(rocksdb::ReadOptions(), blocks_, slice(cid.digest().view()), &value);
  if (s.IsNotFound())
    return make_error(Errc::not_found, "block " + cid.to_string() + " is not stored here");
  if (!s.ok()) return db_error(s, "get " + cid.to_string());
  ByteView bytes(reinterpret_cast<const std::uint8_t*>(value.data()), value.size());
  if (auto v = verify_block(cid, bytes); !v)
    return make_error(Errc::corruption,
                      "stored " + v.error().message + ": the local copy is corrupt");
  return Bytes(bytes.begin(), bytes.end());
}

Result<bool> RocksBlockStore::has(const Cid& cid) {
  rocksdb::PinnableSlice value;
  // Key-only lookups still read the value; blocks are verified on get, not here.
  auto s = db_->Get(rocksdb::ReadOptions(), blocks_, slice(cid.digest().view()), &value);
  if (s.IsNotFound()) return false;
  if (!s.ok()) return db_error(s, "has " + cid.to_string());
  return true;
}

Status RocksBlockStore::sync() {
  // Blocks written without the WAL live only in the memtable until a flush writes (and syncs)
  // them into blob and table files.
  if (!options_.block_wal) {
    rocksdb::FlushOptions flush;
    flush.wait = true;
    auto s = db_->Flush(flush, blocks_);
    if (!s.ok()) return db_error(s, "sync (flush)");
  }
  auto s = db_->SyncWAL();
  if (!s.ok()) return db_error(s, "sync");
  return Status::ok();
}

Status RocksBlockStore::pin(const Cid& root) {
  std::shared_lock hold(gc_mutex_);
  // The pin record must never be durable before the blocks it names.
  PV_TRY(sync());
  auto walked = walk_dag(*this, root, LeafRead::presence_only,
                         [](const Cid&, ByteView) { return Status::ok(); });
  if (!walked)
    return make_error(walked.error().code,
                      "cannot pin " + root.to_string() + ": " + walked.error().message);
  rocksdb::WriteOptions sync_write;
  sync_write.sync = true;
  auto s = db_->Put(sync_write, pins_, slice(root.to_v1().bytes()), rocksdb::Slice());
  if (!s.ok()) return db_error(s, "pin " + root.to_string());
  return Status::ok();
}

Status RocksBlockStore::unpin(const Cid& root) {
  const Bytes key = root.to_v1().bytes();
  rocksdb::PinnableSlice value;
  auto s = db_->Get(rocksdb::ReadOptions(), pins_, slice(key), &value);
  if (s.IsNotFound()) return make_error(Errc::not_found, root.to_string() + " is not pinned");
  if (!s.ok()) return db_error(s, "unpin " + root.to_string());
  rocksdb::WriteOptions sync_write;
  sync_write.sync = true;
  s = db_->Delete(sync_write, pins_, slice(key));
  if (!s.ok()) return db_error(s, "unpin " + root.to_string());
  return Status::ok();
}

Result<std::vector<Cid>> RocksBlockStore::pins() {
  std::vector<Cid> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), pins_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto cid = Cid::decode(
        ByteView(reinterpret_cast<const std::uint8_t*>(it->key().data()), it->key().size()));
    if (!cid)
      return make_error(Errc::corruption, "blockstore: bad pin key: " + cid.error().message);
    out.push_back(*cid);
  }
  if (!it->status().ok()) return db_error(it->status(), "list pins");
  return out;
}

Result<GcReport> RocksBlockStore::collect_garbage() {
  std::unique_lock exclusive(gc_mutex_);
  auto roots = pins();
  if (!roots) return roots.error();
  std::set<Hash32> live;
  for (const Cid& root : *roots) {
    auto s = walk_dag(*this, root, LeafRead::presence_only, [&](const Cid& cid, ByteView) {
      live.insert(cid.digest());
      return Status::ok();
    });
    // A pinned DAG that cannot be walked stops the collection: deleting anything now could
    // remove blocks the unreadable part still needs.
    if (!s)
      return make_error(s.error().code, "garbage collection stopped, pinned DAG " +
                                            root.to_string() +
                                            " is unreadable: " + s.error().message);
  }
  GcReport report;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), blocks_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto digest = Hash32::from(
        ByteView(reinterpret_cast<const std::uint8_t*>(it->key().data()), it->key().size()));
    if (digest && live.contains(*digest)) {
      ++report.blocks_kept;
      continue;
    }
    const std::uint64_t size = it->value().size();
    auto s = db_->Delete(rocksdb::WriteOptions(), blocks_, it->key());
    if (!s.ok()) return db_error(s, "garbage collection");
    ++report.blocks_removed;
    report.bytes_removed += size;
  }
  if (!it->status().ok()) return db_error(it->status(), "garbage collection");
  if (auto s = sync(); !s) return s.error();
  return report;
}

std::unique_ptr<GcHold> RocksBlockStore::hold_gc() {
  return std::make_unique<SharedHold>(gc_mutex_);
}

}  // namespace pv::content
