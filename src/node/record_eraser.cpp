#include "node/record_eraser.hpp"

#include <spdlog/spdlog.h>

#include <fstream>

#include "codec/did_key.hpp"
#include "content/pack_block_store.hpp"
#include "ledger/consent_state.hpp"
#include "ledger/erasure/erasure_state.hpp"
#include "node/atomic_file.hpp"
#include "node/ledger_compaction.hpp"
#include "node/record_access.hpp"

namespace pv {

RecordEraser::RecordEraser(Node& node, content::BlockStore* blocks,
                           const std::filesystem::path& data_dir)
    : node_(node), blocks_(blocks), cursor_file_(data_dir / "erasure" / "cursor") {}

RecordEraser::~RecordEraser() {
  stop();
}

Result<std::uint64_t> RecordEraser::load_cursor() const {
  std::ifstream in(cursor_file_);
  if (!in) return std::uint64_t{0};  // never ran: every erasure on the ledger is after it
  std::string text;
  std::getline(in, text);
  if (text.empty() || text.size() > 20 || text.find_first_not_of("0123456789") != std::string::npos)
    return make_error(Errc::corruption, "erasure cursor " + cursor_file_.string() +
                                            " is not a number; delete it to start over");
  return std::stoull(text);
}

Status RecordEraser::save_cursor(std::uint64_t next) const {
  return write_file_atomically(cursor_file_.string(), std::to_string(next) + "\n", 0600);
}

// True when the erasure is finished here: blocks erased and this node's receipt committed.
Result<bool> RecordEraser::erase_one(const RecordId& record) {
  NodeStateView state(node_);
  auto tombstone = load_erasure_tombstone(state, record);
  if (!tombstone) return tombstone.error();
  if (!*tombstone)
    return make_error(Errc::corruption, "record " + record.hex() +
                                            " is listed as erased "
                                            "but has no tombstone");
  const NodeInfo info = node_.info();
  auto node_key = public_key_from_did_key(info.did);
  if (!node_key) return node_key.error();
  ErasureReceipt receipt;
  receipt.record = record;
  receipt.erase_tx = (*tombstone)->erase_tx;
  receipt.key_slots_deleted = (*tombstone)->key_slots;
  // The content and the key envelopes of the record's anchor and consent grants, in one pass.
  std::vector<const Bytes*> binaries{&(*tombstone)->cid};
  for (const auto& envelope : (*tombstone)->key_envelopes) binaries.push_back(&envelope);
  std::vector<content::Cid> roots;
  for (const Bytes* binary : binaries) {
    auto root = content::Cid::decode(*binary);
    if (!root) return root.error();
    roots.push_back(*root);
  }
  auto report = blocks_->erase_dags(roots);
  if (report) {
    receipt.blocks_deleted = report->blocks_deleted;
    receipt.blocks_shared = report->blocks_shared;
    receipt.compacted = report->compacted;
    spdlog::info("eraser: record {}: {} block(s) deleted, {} shared, {} not held here",
                 record.hex().substr(0, 16), report->blocks_deleted, report->blocks_shared,
                 report->blocks_missing);
  } else if (report.error().code == Errc::unavailable) {
    // A Kubo daemon as the blockstore: its operator erases there; the receipt says 0 deleted
    // and not compacted.
    spdlog::warn("eraser: record {}: {}", record.hex().substr(0, 16), report.error().message);
  } else {
    return report.error();
  }
  // The state deletions were committed with the erasing block; now no file of the state keeps
  // them. `compacted` is true only when both the content index and the state were compacted.
  if (Status s = compact_ledger_state(node_); !s) {
    spdlog::warn("eraser: record {}: state compaction failed: {}", record.hex().substr(0, 16),
                 s.error().message);
    receipt.compacted = false;
  }
  // The erasure itself always runs (idempotent: blocks already gone count as missing), so a node
  // restored from a backup taken before it erased erases again; only the receipt is not sent
  // twice.
  if (auto existing = load_erasure_receipt(state, record, *node_key); existing && *existing)
    return true;
  receipt.done_height = node_.info().height;
  auto tx = node_.submit_as_node(kTxTypeErasureReceipt, encode_erasure_receipt(receipt));
  if (!tx) return tx.error();
  auto committed = node_.wait_committed({*tx}, std::chrono::seconds(10));
  if (committed.empty() || !committed[0]) return false;  // retried on the next run
  if (committed[0]->result.code != TxCode::valid)
    return make_error(Errc::internal, "erasure receipt refused: " + committed[0]->result.reason);
  return true;
}

Result<ErasureRun> RecordEraser::run_once() {
  auto cursor = load_cursor();
  if (!cursor) return cursor.error();
  NodeStateView state(node_);
  const std::string list = erased_records_list();
  const std::uint64_t total = index_size(state, list);
  ErasureRun run;
  std::uint64_t next = *cursor;
  while (next < total && !stopping_) {
    auto ids = index_read(state, list, next, 1);
    if (!ids) return ids.error();
    if (ids->empty()) {  // an emptied slot: nothing to erase
      ++next;
      continue;
    }
    auto done = erase_one(ids->front());
    if (!done) return done.error();
    if (!*done) break;
    ++next;
    ++run.records;
    PV_TRY(save_cursor(next));
  }
  run.pending = total - next;
  return run;
}

void RecordEraser::start(std::chrono::milliseconds interval) {
  stopping_ = false;
  thread_ = std::thread([this, interval] {
    while (!stopping_) {
      auto run = run_once();
      if (!run) spdlog::warn("eraser: {} (retrying)", run.error().message);
      for (auto waited = std::chrono::milliseconds(0); waited < interval && !stopping_;
           waited += std::chrono::milliseconds(50))
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
}

void RecordEraser::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

}  // namespace pv
