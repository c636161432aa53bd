#include "storage/ledger_store.hpp"

#include <algorithm>

#include <rocksdb/db.h>
#include <rocksdb/table.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/write_batch.h>

#include <mutex>

#include "codec/binary.hpp"

namespace pv {
namespace {

const char* const kColumnFamilies[] = {"default", "meta", "blocks", "state", "txindex", "merkle"};
enum Cf { kDefault = 0, kMeta, kBlocks, kState, kTxIndex, kMerkle, kCfCount };

Status from_rocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status::ok();
  Errc code = s.IsCorruption() ? Errc::corruption : s.IsNotFound() ? Errc::not_found : Errc::io;
  return make_error(code, what + ": " + s.ToString());
}

rocksdb::Slice slice(ByteView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }
ByteView view(const rocksdb::Slice& s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

// Node (level, index) is on the right edge of a tree of `size` leaves when it is the complete
// subtree of bit `level` of size: that bit set, and the subtree just left of the ones below it.
bool on_right_edge(MerkleNodeId id, std::uint64_t size) {
  if (id.level >= 64) return false;
  const std::uint64_t above = size >> id.level;
  return (above & 1) != 0 && id.index == above - 1;
}

constexpr std::string_view kLeafEndPrefix = "leaf-end";

Bytes leaf_end_key(std::uint64_t log_size) {
  BinaryWriter w;
  w.raw(ByteView(reinterpret_cast<const std::uint8_t*>(kLeafEndPrefix.data()), kLeafEndPrefix.size()));
  w.u64(log_size);
  return w.take();
}

// The log size in a "leaf-end" key, or nullopt for any other meta key.
std::optional<std::uint64_t> leaf_end_of(const rocksdb::Slice& key) {
  if (key.size() != kLeafEndPrefix.size() + 8 || !key.starts_with(rocksdb::Slice(kLeafEndPrefix.data(), kLeafEndPrefix.size())))
    return std::nullopt;
  BinaryReader r(view(key).subspan(kLeafEndPrefix.size()));
  auto v = r.u64("leaf end");
  if (!v) return std::nullopt;
  return *v;
}

}  // namespace

struct LedgerStore::Impl {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;
  LedgerStoreOptions options;
  mutable std::mutex read_failure_mu;
  mutable std::string read_failure;
  void note_failure(const rocksdb::Status& s, const char* what) const {
    std::lock_guard lock(read_failure_mu);
    if (read_failure.empty()) read_failure = std::string(what) + ": " + s.ToString();
  }
  ~Impl() {
    for (auto* h : cfs)
      if (h) db->DestroyColumnFamilyHandle(h);
  }
};

Bytes encode_tx_index_entry(const TxIndexEntry& e) {
  BinaryWriter w;
  w.u64(e.height);
  w.u32(e.index);
  w.u64(e.log_index);
  return w.take();
}

Result<TxIndexEntry> decode_tx_index_entry(ByteView b) {
  BinaryReader r(b);
  TxIndexEntry e;
  auto h = r.u64("index height");
  if (!h) return h.error();
  auto i = r.u32("index position");
  if (!i) return i.error();
  auto l = r.u64("index log index");
  if (!l) return l.error();
  PV_TRY(r.expect_end("tx index entry"));
  e.height = *h;
  e.index = *i;
  e.log_index = *l;
  return e;
}

Bytes LedgerStore::height_key(std::uint64_t height) {
  BinaryWriter w;
  w.u64(height);
  return w.take();
}

Bytes LedgerStore::merkle_key(MerkleNodeId id) {
  BinaryWriter w;
  w.u8(id.level);
  w.u64(id.index);
  return w.take();
}

LedgerStore::LedgerStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LedgerStore::~LedgerStore() = default;

Result<std::unique_ptr<LedgerStore>> LedgerStore::open(const std::string& path, Mode mode,
                                                       LedgerStoreOptions store_options) {
  rocksdb::Options options;
  options.create_if_missing = mode == Mode::read_write;
  options.create_missing_column_families = mode == Mode::read_write;
  options.paranoid_checks = true;
  // An interrupted write at the tail of the WAL is dropped (it was never acknowledged); any
  // other corruption stops recovery instead of silently losing acknowledged blocks.
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  options.IncreaseParallelism(2);
  options.max_open_files = 512;
  // Reads of keys that are not there (a new record's id, a first nonce) are most of a block's
  // reads: a Bloom filter over the memtable answers them without searching it.
  options.memtable_prefix_bloom_size_ratio = 0.02;
  options.memtable_whole_key_filtering = true;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const char* name : kColumnFamilies) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions(options));
  auto impl = std::make_unique<Impl>();
  impl->options = store_options;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = mode == Mode::read_write
                          ? rocksdb::DB::Open(options, path, descriptors, &impl->cfs, &db)
                          : rocksdb::DB::OpenForReadOnly(options, path, descriptors, &impl->cfs, &db);
  if (!s.ok()) {
    impl->cfs.clear();
    return from_rocks(s, "cannot open the ledger store at " + path).error();
  }
  impl->db.reset(db);
  return std::unique_ptr<LedgerStore>(new LedgerStore(std::move(impl)));
}

Result<std::optional<std::uint64_t>> LedgerStore::head() const {
  std::string v;
  auto s = impl_->db->Get({}, impl_->cfs[kMeta], "head", &v);
  if (s.IsNotFound()) return std::optional<std::uint64_t>{};
  PV_TRY(from_rocks(s, "reading the head"));
  BinaryReader r(as_bytes(v));
  auto h = r.u64("head");
  if (!h || r.remaining() != 0) return make_error(Errc::corruption, "stored head is not 8 bytes");
  return std::optional<std::uint64_t>{*h};
}

Result<std::optional<std::uint64_t>> LedgerStore::ordering_position() const {
  std::string v;
  auto s = impl_->db->Get({}, impl_->cfs[kMeta], "ordering", &v);
  if (s.IsNotFound()) return std::optional<std::uint64_t>{};
  PV_TRY(from_rocks(s, "reading the ordering position"));
  BinaryReader r(as_bytes(v));
  auto p = r.u64("ordering position");
  if (!p || r.remaining() != 0) return make_error(Errc::corruption, "stored ordering position is not 8 bytes");
  return std::optional<std::uint64_t>{*p};
}

Result<Bytes> LedgerStore::genesis_bytes() const {
  std::string v;
  PV_TRY(from_rocks(impl_->db->Get({}, impl_->cfs[kMeta], "genesis", &v), "reading the genesis"));
  return to_bytes(v);
}

Result<Bytes> LedgerStore::block_bytes(std::uint64_t height) const {
  std::string v;
  Bytes key = height_key(height);
  auto s = impl_->db->Get({}, impl_->cfs[kBlocks], slice(key), &v);
  if (s.IsNotFound()) return make_error(Errc::not_found, "no block at height " + std::to_string(height));
  PV_TRY(from_rocks(s, "reading block " + std::to_string(height)));
  return to_bytes(v);
}

Result<Block> LedgerStore::block(std::uint64_t height) const {
  auto bytes = block_bytes(height);
  if (!bytes) return bytes.error();
  auto b = decode_block(*bytes);
  if (!b) return make_error(Errc::corruption, "stored block " + std::to_string(height) + " does not decode: " + b.error().message);
  return b;
}

Result<std::optional<TxIndexEntry>> LedgerStore::tx_index(const TxId& id) const {
  std::string v;
  auto s = impl_->db->Get({}, impl_->cfs[kTxIndex], slice(id.view()), &v);
  if (s.IsNotFound()) return std::optional<TxIndexEntry>{};
  PV_TRY(from_rocks(s, "reading the transaction index"));
  auto e = decode_tx_index_entry(as_bytes(v));
  if (!e) return make_error(Errc::corruption, "transaction index entry does not decode");
  return std::optional<TxIndexEntry>{*e};
}

Result<std::optional<LeafSpan>> LedgerStore::leaf_span(std::uint64_t leaf) const {
  if (impl_->options.merkle != MerkleLayout::right_edge || leaf == UINT64_MAX)
    return std::optional<LeafSpan>{};
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator({}, impl_->cfs[kMeta]));
  const Bytes first_key = leaf_end_key(leaf + 1);  // the first block ending after `leaf`
  it->Seek(slice(first_key));
  if (!it->Valid()) {
    PV_TRY(from_rocks(it->status(), "reading the leaf spans"));
    return std::optional<LeafSpan>{};
  }
  auto end = leaf_end_of(it->key());
  if (!end) return std::optional<LeafSpan>{};
  BinaryReader r(view(it->value()));
  auto height = r.u64("leaf span height");
  if (!height || r.remaining() != 0)
    return make_error(Errc::corruption, "a stored leaf span's height is not 8 bytes");
  return std::optional<LeafSpan>{LeafSpan{*height, *end}};
}

std::optional<Bytes> LedgerStore::get(const std::string& key) const {
  std::string v;
  auto s = impl_->db->Get({}, impl_->cfs[kState], key, &v);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) {
    impl_->note_failure(s, "reading state");
    return std::nullopt;
  }
  return to_bytes(v);
}

Status LedgerStore::take_read_failure() const {
  std::lock_guard lock(impl_->read_failure_mu);
  if (impl_->read_failure.empty()) return Status::ok();
  std::string msg = std::move(impl_->read_failure);
  impl_->read_failure.clear();
  return make_error(Errc::io, msg);
}

std::optional<Hash32> LedgerStore::node(MerkleNodeId id) const {
  std::string v;
  Bytes key = merkle_key(id);
  auto s = impl_->db->Get({}, impl_->cfs[kMerkle], slice(key), &v);
  if (!s.ok() || v.size() != 32) return std::nullopt;
  auto h = Hash32::from(as_bytes(v));
  return h ? std::optional<Hash32>(*h) : std::nullopt;
}

Status LedgerStore::write(const BlockWrite& w, const Bytes* genesis) {
  rocksdb::WriteBatch batch;
  Bytes hk = height_key(w.block->header.height);
  batch.Put(impl_->cfs[kBlocks], slice(hk), slice(w.encoded_block));
  if (w.state_changes) {
    for (const auto& c : *w.state_changes) {
      if (c.value) batch.Put(impl_->cfs[kState], c.key, slice(*c.value));
      else batch.Delete(impl_->cfs[kState], c.key);
    }
  }
  // Inserted in key order (state changes come sorted): a memtable insert next to the previous
  // one reuses its place in the skip list, which made a block's writes half as costly.
  std::vector<const std::pair<TxId, TxIndexEntry>*> index(impl_->options.index_transactions ? w.index_entries.size() : 0);
  for (std::size_t i = 0; i < index.size(); ++i) index[i] = &w.index_entries[i];
  std::stable_sort(index.begin(), index.end(),
                   [](const auto* a, const auto* b) { return a->first < b->first; });
  for (const auto* e : index) {
    Bytes v = encode_tx_index_entry(e->second);
    batch.Put(impl_->cfs[kTxIndex], slice(e->first.view()), slice(v));
  }
  std::vector<std::pair<Bytes, const Hash32*>> nodes;
  const bool right_edge = impl_->options.merkle == MerkleLayout::right_edge;
  const std::uint64_t log_size = w.block->header.log_size;
  nodes.reserve(right_edge ? 64 : w.merkle_nodes.size());
  for (const auto& n : w.merkle_nodes)
    if (!right_edge || on_right_edge(n.id, log_size)) nodes.emplace_back(merkle_key(n.id), &n.hash);
  std::stable_sort(nodes.begin(), nodes.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [k, hash] : nodes) batch.Put(impl_->cfs[kMerkle], slice(k), slice(hash->view()));
  if (genesis) batch.Put(impl_->cfs[kMeta], "genesis", slice(*genesis));
  batch.Put(impl_->cfs[kMeta], "head", slice(hk));
  // A block without transactions appends no leaves: it gets no span.
  if (right_edge && w.block->header.tx_count > 0)
    batch.Put(impl_->cfs[kMeta], slice(leaf_end_key(log_size)), slice(hk));
  if (w.ordering_position) {
    Bytes pk = height_key(*w.ordering_position);  // the same u64 big-endian encoding
    batch.Put(impl_->cfs[kMeta], "ordering", slice(pk));
  }
  rocksdb::WriteOptions wo;
  wo.sync = impl_->options.sync_writes;
  return from_rocks(impl_->db->Write(wo, &batch), "writing block " + std::to_string(w.block->header.height));
}

Status LedgerStore::commit_genesis(ByteView genesis, const BlockWrite& w) {
  Bytes g(genesis.begin(), genesis.end());
  return write(w, &g);
}

Status LedgerStore::compact_state() {
  rocksdb::FlushOptions flush;
  flush.wait = true;
  PV_TRY(from_rocks(impl_->db->Flush(flush, impl_->cfs), "flush before the state compaction"));
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  return from_rocks(impl_->db->CompactRange(compact, impl_->cfs[kState], nullptr, nullptr),
                    "state compaction");
}

Status LedgerStore::commit_block(const BlockWrite& w) { return write(w, nullptr); }

namespace {
template <class Fn>
Status scan(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, const Fn& fn, const char* what) {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, cf));
  for (it->SeekToFirst(); it->Valid(); it->Next())
    if (!fn(it->key(), it->value())) break;
  return from_rocks(it->status(), std::string("scanning ") + what);
}
}  // namespace

Status LedgerStore::for_each_state(const std::function<bool(std::string_view, ByteView)>& fn) const {
  return scan(impl_->db.get(), impl_->cfs[kState],
              [&](const rocksdb::Slice& k, const rocksdb::Slice& v) { return fn(k.ToStringView(), view(v)); }, "state");
}

Status LedgerStore::for_each_tx_index(const std::function<bool(ByteView, ByteView)>& fn) const {
  return scan(impl_->db.get(), impl_->cfs[kTxIndex],
              [&](const rocksdb::Slice& k, const rocksdb::Slice& v) { return fn(view(k), view(v)); }, "transaction index");
}

Status LedgerStore::for_each_merkle_node(const std::function<bool(MerkleNodeId, ByteView)>& fn) const {
  return scan(impl_->db.get(), impl_->cfs[kMerkle],
              [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
                BinaryReader r(view(k));
                auto level = r.u8("level");
                auto index = r.u64("index");
                MerkleNodeId id{level ? *level : std::uint8_t{255}, index ? *index : 0};
                if (!level || !index || r.remaining() != 0) id.level = 255;  // reported as bad key
                return fn(id, view(v));
              },
              "merkle nodes");
}

namespace {
int cf_index(const std::string& name) {
  for (int i = 0; i < kCfCount; ++i)
    if (name == kColumnFamilies[i]) return i;
  return -1;
}
}  // namespace

Status LedgerStore::raw_put(const std::string& cf, ByteView key, ByteView value) {
  int i = cf_index(cf);
  if (i < 0) return make_error(Errc::invalid_argument, "unknown column family " + cf);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return from_rocks(impl_->db->Put(wo, impl_->cfs[i], slice(key), slice(value)), "raw put");
}

Result<std::optional<Bytes>> LedgerStore::raw_get(const std::string& cf, ByteView key) const {
  int i = cf_index(cf);
  if (i < 0) return make_error(Errc::invalid_argument, "unknown column family " + cf);
  std::string v;
  auto s = impl_->db->Get({}, impl_->cfs[i], slice(key), &v);
  if (s.IsNotFound()) return std::optional<Bytes>{};
  PV_TRY(from_rocks(s, "raw get"));
  return std::optional<Bytes>{to_bytes(v)};
}

}  // namespace pv
