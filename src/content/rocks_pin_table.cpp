#include "content/rocks_pin_table.hpp"

#include <memory>

#include "content/dag_walk.hpp"

namespace pv::content {

Error rocks_error(const rocksdb::Status& s, const std::string& what) {
  return make_error(s.IsCorruption() ? Errc::corruption : Errc::io,
                    "blockstore: " + what + ": " + s.ToString());
}

Result<bool> RocksPinTable::contains(const Cid& root) {
  const Bytes key = root.to_v1().bytes();
  rocksdb::PinnableSlice value;
  auto s = db_->Get(rocksdb::ReadOptions(), family_, rocks_slice(key), &value);
  if (s.IsNotFound()) return false;
  if (!s.ok()) return rocks_error(s, "pin lookup " + root.to_string());
  return true;
}

Status RocksPinTable::add(const Cid& root) {
  rocksdb::WriteOptions sync_write;
  sync_write.sync = true;
  auto s = db_->Put(sync_write, family_, rocks_slice(root.to_v1().bytes()), rocksdb::Slice());
  if (!s.ok()) return rocks_error(s, "pin " + root.to_string());
  return Status::ok();
}

Status RocksPinTable::remove(const Cid& root) {
  auto pinned = contains(root);
  if (!pinned) return pinned.error();
  if (!*pinned) return make_error(Errc::not_found, root.to_string() + " is not pinned");
  rocksdb::WriteOptions sync_write;
  sync_write.sync = true;
  auto s = db_->Delete(sync_write, family_, rocks_slice(root.to_v1().bytes()));
  if (!s.ok()) return rocks_error(s, "unpin " + root.to_string());
  return Status::ok();
}

Result<std::vector<Cid>> RocksPinTable::list() {
  std::vector<Cid> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto cid = Cid::decode(rocks_view(it->key()));
    if (!cid)
      return make_error(Errc::corruption, "blockstore: bad pin key: " + cid.error().message);
    out.push_back(*cid);
  }
  if (!it->status().ok()) return rocks_error(it->status(), "list pins");
  return out;
}

Status pin_whole_dag(BlockStore& store, RocksPinTable& pins, const Cid& root) {
  auto pinned = pins.contains(root);
  if (!pinned) return pinned.error();
  if (*pinned) return Status::ok();
  PV_TRY(store.sync());
  auto walked = walk_dag(store, root, LeafRead::presence_only,
                         [](const Cid&, ByteView) { return Status::ok(); });
  if (!walked)
    return make_error(walked.error().code,
                      "cannot pin " + root.to_string() + ": " + walked.error().message);
  return pins.add(root);
}

}  // namespace pv::content
