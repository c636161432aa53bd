#include "content/pack_block_store.hpp"

#include <fcntl.h>
#include <rocksdb/write_batch.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "content/dag_walk.hpp"
#include "content/rocks_pin_table.hpp"

namespace pv::content {
namespace {

// Unsynced puts after which a put syncs by itself (4 GiB of 256 KiB chunks): bounds the memory
// of the unsynced entries when blocks arrive without a pin.
constexpr std::size_t kMaxUnsynced = 16384;

}  // namespace

class PackBlockStore::ReadFile {
 public:
  explicit ReadFile(int fd) : fd(fd) {}
  ~ReadFile() { ::close(fd); }
  const int fd;
};

Result<std::unique_ptr<PackBlockStore>> PackBlockStore::open(const std::filesystem::path& dir,
                                                             PackBlockStoreOptions options) {
  std::error_code ec;
  std::filesystem::create_directories(dir / "packs", ec);
  if (ec)
    return make_error(Errc::io, "blockstore: cannot create " + dir.string() + ": " + ec.message());
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  std::vector<rocksdb::ColumnFamilyDescriptor> families{
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
      {"locations", rocksdb::ColumnFamilyOptions()},
      {"pins", rocksdb::ColumnFamilyOptions()},
      {"packs", rocksdb::ColumnFamilyOptions()},
      {"erased", rocksdb::ColumnFamilyOptions()}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(db_options, (dir / "index").string(), families, &handles, &raw);
  if (!s.ok()) return rocks_error(s, "cannot open the index in " + (dir / "index").string());
  std::unique_ptr<PackBlockStore> store(new PackBlockStore());
  store->dir_ = dir;
  store->db_.reset(raw);
  store->db_->DestroyColumnFamilyHandle(handles[0]);
  store->locations_ = handles[1];
  store->pins_ = handles[2];
  store->packs_ = handles[3];
  store->erased_ = handles[4];
  {
    std::unique_ptr<rocksdb::Iterator> it(store->db_->NewIterator({}, store->erased_));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (it->key().size() != 32) continue;
      Hash32 digest;
      std::memcpy(digest.bytes.data(), it->key().data(), 32);
      store->erased_digests_.insert(digest);
    }
    if (!it->status().ok()) return rocks_error(it->status(), "reading the erased blocks");
  }
  if (!options.clock)
    options.clock = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  store->options_ = std::move(options);
  PV_TRY(store->recover_packs());
  return store;
}

PackBlockStore::~PackBlockStore() {
  if (!db_) return;
  {
    std::lock_guard lock(write_mutex_);
    if (appender_) (void)commit();
  }
  appender_.reset();
  for (auto* h : {locations_, pins_, packs_, erased_})
    if (h) db_->DestroyColumnFamilyHandle(h);
  (void)db_->Close();
}

Status PackBlockStore::recover_packs() {
  // What the last sync made durable, pack by pack.
  std::map<std::uint32_t, std::uint64_t> durable;
  std::uint32_t last = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), packs_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto record = decode_pack_record(rocks_view(it->key()), rocks_view(it->value()));
    if (!record) return record.error();
    durable[record->pack] = record->length;
    last = std::max(last, record->pack);
  }
  if (!it->status().ok()) return rocks_error(it->status(), "read the pack records");
  // A crash can leave bytes after a pack's durable length (puts never synced) and whole packs no
  // sync recorded: nothing in the index names them.
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(pack_dir(), ec)) {
    auto pack = parse_pack_name(entry.path().filename().string());
    if (!pack) continue;  // not ours: leave it alone
    last = std::max(last, *pack);
    auto known = durable.find(*pack);
    if (known == durable.end())
      std::filesystem::remove(entry.path(), ec);
    else if (entry.file_size(ec) > known->second)
      std::filesystem::resize_file(entry.path(), known->second, ec);
    if (ec)
      return make_error(
          Errc::io, "blockstore: cannot recover " + entry.path().string() + ": " + ec.message());
  }
  if (ec) return make_error(Errc::io, "blockstore: cannot list " + pack_dir().string());
  auto appender = PackAppender::create(pack_dir(), last + 1, options_.packs);
  if (!appender) return appender.error();
  appender_ = std::move(*appender);
  return Status::ok();
}

Status PackBlockStore::write_blocks(std::span<const BlockView> blocks) {
  {
    std::lock_guard lock(erased_mutex_);
    if (!erased_digests_.empty())
      for (const auto& b : blocks)
        if (erased_digests_.contains(b.cid.digest()))
          return make_error(Errc::conflict, "block " + b.cid.to_string() +
                                                " was erased on this node (a record's erasure) "
                                                "and is not stored again");
  }
  std::shared_lock no_collection(gc_mutex_);
  const std::int64_t written_at = now();
  // A block already in the index whose stored copy is good only gets a new write time; a
  // corrupt copy is written again, so sending a block repairs it.
  std::vector<std::optional<PackLocation>> good_copy(blocks.size());
  Bytes stored;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    auto indexed = find_indexed(blocks[i].cid.digest());
    if (!indexed) return indexed.error();
    if (*indexed && read(blocks[i].cid, (*indexed)->where, stored))
      good_copy[i] = (*indexed)->where;
  }
  std::lock_guard lock(write_mutex_);
  std::vector<std::pair<Hash32, BlockIndexEntry>> entries;
  entries.reserve(blocks.size());
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const Hash32& digest = blocks[i].cid.digest();
    if (good_copy[i]) {
      entries.push_back({digest, {*good_copy[i], written_at}});
    } else if (auto u = unsynced_.find(digest); u != unsynced_.end()) {
      entries.push_back({digest, {u->second.where, written_at}});
    } else {
      auto where = appender_->append(blocks[i].bytes);
      if (!where) {
        if (where.error().code != Errc::io) return where.error();
        return appender_failed(where.error());
      }
      entries.push_back({digest, {*where, written_at}});
    }
  }
  // Visible together: a batch is all or none.
  for (auto& [digest, entry] : entries) unsynced_[digest] = entry;
  if (unsynced_.size() >= kMaxUnsynced) return commit();
  return Status::ok();
}

Status PackBlockStore::appender_failed(const Error& error) {
  // The unsynced blocks may not have reached the disk: drop them (puts are durable only after a
  // sync, and a pin syncs first, so no acknowledged pin loses anything) and start a new pack.
  unsynced_.clear();
  auto fresh = PackAppender::create(pack_dir(), appender_->last_pack() + 1, options_.packs);
  if (fresh) appender_ = std::move(*fresh);
  return make_error(error.code, error.message +
                                    " (the blocks stored since the last sync were dropped: "
                                    "send them again once the disk is fixed)");
}

Status PackBlockStore::sync() {
  std::lock_guard lock(write_mutex_);
  return commit();
}

Status PackBlockStore::commit() {
  if (unsynced_.empty()) return Status::ok();
  auto extents = appender_->sync();
  if (!extents) return appender_failed(extents.error());
  rocksdb::WriteBatch batch;
  for (const auto& [digest, entry] : unsynced_) {
    const Bytes value = encode_index_entry(entry);
    auto s = batch.Put(locations_, rocks_slice(digest.view()), rocks_slice(value));
    if (!s.ok()) return rocks_error(s, "sync");
  }
  for (const auto& extent : *extents) {
    const Bytes key = encode_pack_key(extent.pack);
    const Bytes value = encode_pack_length(extent.length);
    auto s = batch.Put(packs_, rocks_slice(key), rocks_slice(value));
    if (!s.ok()) return rocks_error(s, "sync");
  }
  rocksdb::WriteOptions sync_write;
  sync_write.sync = true;
  auto s = db_->Write(sync_write, &batch);
  if (!s.ok()) return appender_failed(rocks_error(s, "sync (index)"));
  unsynced_.clear();
  return Status::ok();
}

Result<std::optional<BlockIndexEntry>> PackBlockStore::find_indexed(const Hash32& digest) {
  rocksdb::PinnableSlice value;
  auto s = db_->Get(rocksdb::ReadOptions(), locations_, rocks_slice(digest.view()), &value);
  if (s.IsNotFound()) return std::optional<BlockIndexEntry>();
  if (!s.ok()) return rocks_error(s, "index lookup");
  auto entry = decode_index_entry(rocks_view(value));
  if (!entry) return entry.error();
  return std::optional<BlockIndexEntry>(*entry);
}

Result<std::optional<BlockIndexEntry>> PackBlockStore::find(const Hash32& digest, bool readable) {
  {
    std::lock_guard lock(write_mutex_);
    if (auto u = unsynced_.find(digest); u != unsynced_.end()) {
      // Its bytes may still be in a staging buffer: write them to the pack to read them there.
      if (readable) PV_TRY(appender_->write_out());
      return std::optional<BlockIndexEntry>(u->second);
    }
  }
  return find_indexed(digest);
}

Result<std::shared_ptr<PackBlockStore::ReadFile>> PackBlockStore::read_file(std::uint32_t pack) {
  std::lock_guard lock(read_files_mutex_);
  if (auto f = read_files_.find(pack); f != read_files_.end()) return f->second;
  const auto path = pack_dir() / pack_file_name(pack);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return make_error(errno == ENOENT ? Errc::not_found : Errc::io,
                      "blockstore: cannot open " + path.string() + ": " + std::strerror(errno));
  auto file = std::make_shared<ReadFile>(fd);
  read_files_[pack] = file;
  return file;
}

Status PackBlockStore::read(const Cid& cid, const PackLocation& where, Bytes& out) {
  out.resize(where.length);  // no allocation, and no zero-fill, when `out` held such a block
  if (where.length > 0) {
    auto file = read_file(where.pack);
    if (!file) return file.error();
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t n = ::pread((*file)->fd, out.data() + done, out.size() - done,
                                static_cast<off_t>(where.offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0)
        return make_error(Errc::io, "blockstore: cannot read block " + cid.to_string() + " from " +
                                        pack_file_name(where.pack) + ": " + std::strerror(errno));
      if (n == 0) break;  // the pack ends early: the check below reports it
      done += static_cast<std::size_t>(n);
    }
    out.resize(done);
  }
  if (auto v = verify_block(cid, out); !v)
    return make_error(Errc::corruption,
                      "stored " + v.error().message + ": the local copy is corrupt");
  return Status::ok();
}

Result<Bytes> PackBlockStore::get(const Cid& cid) {
  Bytes out;
  PV_TRY(read_into(cid, out));
  return out;
}

Status PackBlockStore::read_into(const Cid& cid, Bytes& out) {
  auto entry = find(cid.digest(), true);
  if (!entry) return entry.error();
  if (!*entry)
    return make_error(Errc::not_found, "block " + cid.to_string() + " is not stored here");
  Status read_back = read(cid, (*entry)->where, out);
  if (!read_back) {
    // A collection may have removed the block (and released its space) since the lookup.
    auto again = find(cid.digest(), false);
    if (again && !*again)
      return make_error(Errc::not_found, "block " + cid.to_string() + " is not stored here");
  }
  return read_back;
}

Result<bool> PackBlockStore::has(const Cid& cid) {
  auto entry = find(cid.digest(), false);
  if (!entry) return entry.error();
  return entry->has_value();
}

Status PackBlockStore::pin(const Cid& root) {
  // Shared with puts, exclusive with collections: no block of the DAG walked here can be
  // collected before the pin record that protects it is written.
  std::shared_lock no_collection(gc_mutex_);
  RocksPinTable table(db_.get(), pins_);
  return pin_whole_dag(*this, table, root);
}

Status PackBlockStore::unpin(const Cid& root) {
  return RocksPinTable(db_.get(), pins_).remove(root);
}

Result<std::vector<Cid>> PackBlockStore::pins() {
  return RocksPinTable(db_.get(), pins_).list();
}

}  // namespace pv::content
