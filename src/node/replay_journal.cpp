#include "node/replay_journal.hpp"

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <cstring>

#include "codec/binary.hpp"

namespace pv {
namespace {

constexpr std::size_t kKeySize = 8 + 32;

std::string expiry_prefix(std::int64_t forget_after) {
  BinaryWriter w;
  w.u64(forget_after < 0 ? 0 : static_cast<std::uint64_t>(forget_after));
  return std::string(as_chars(w.bytes()));
}

std::string key_of(const Hash32& id, std::int64_t forget_after) {
  return expiry_prefix(forget_after) + std::string(as_chars(id.view()));
}

}  // namespace

struct RocksReplayJournal::Impl {
  std::unique_ptr<rocksdb::DB> db;
};

RocksReplayJournal::RocksReplayJournal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RocksReplayJournal::~RocksReplayJournal() = default;

Result<std::unique_ptr<RocksReplayJournal>> RocksReplayJournal::open(const std::string& path) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.paranoid_checks = true;
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  options.max_open_files = 64;
  options.write_buffer_size = 4 << 20;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, path, &db);
  if (!s.ok())
    return make_error(Errc::io,
                      "cannot open the request replay journal in " + path + ": " + s.ToString());
  auto impl = std::make_unique<Impl>();
  impl->db.reset(db);
  return std::unique_ptr<RocksReplayJournal>(new RocksReplayJournal(std::move(impl)));
}

Status RocksReplayJournal::remember(const Hash32& id, std::int64_t forget_after) {
  rocksdb::WriteOptions w;  // WAL on, no fsync (see the header)
  rocksdb::Status s = impl_->db->Put(w, key_of(id, forget_after), rocksdb::Slice());
  if (!s.ok()) return make_error(Errc::io, "replay journal write failed: " + s.ToString());
  return Status::ok();
}

void RocksReplayJournal::forget_before(std::int64_t now) {
  // A failed deletion only keeps expired entries a while longer; load() skips them anyway.
  (void)impl_->db->DeleteRange(rocksdb::WriteOptions(), impl_->db->DefaultColumnFamily(),
                               expiry_prefix(0), expiry_prefix(now));
}

Result<std::vector<ReplayJournal::Entry>> RocksReplayJournal::load(std::int64_t now) {
  std::vector<Entry> out;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(expiry_prefix(now)); it->Valid(); it->Next()) {
    rocksdb::Slice k = it->key();
    if (k.size() != kKeySize)
      return make_error(Errc::corruption,
                        "replay journal holds a key of " + std::to_string(k.size()) + " bytes");
    BinaryReader r(ByteView(reinterpret_cast<const std::uint8_t*>(k.data()), 8));
    auto forget_after = r.u64("forget_after");
    if (!forget_after) return forget_after.error();
    Entry e;
    std::memcpy(e.id.data(), k.data() + 8, 32);
    e.forget_after = static_cast<std::int64_t>(*forget_after);
    out.push_back(e);
  }
  if (!it->status().ok())
    return make_error(Errc::io, "reading the replay journal: " + it->status().ToString());
  return out;
}

}  // namespace pv
