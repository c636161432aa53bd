#pragma once
// The node's eraser (docs/erasure.md, "On every node, after commit"): walks the ledger's list of
// erased records ("ix/erased/all") from a persisted cursor and, for each, deletes the record's
// content blocks from this node's store (PackBlockStore::erase_dag: index, bytes, forced index
// compaction), forces a compaction of the ledger's state (node/ledger_compaction.hpp), then
// signs and submits an erasure receipt (type 39) with the counts, then moves the cursor. A node that was down or restored from a backup finds the erasures after its cursor
// when it starts; one whose cursor was lost, or that was restored from a backup (cursor and
// packs from before an erasure), erases again from its cursor (erase_dag is idempotent and runs
// even when this node's receipt is already on the ledger; the receipt is not submitted twice).
//
// Thread safety: run_once() from one thread at a time; start()/stop() own that thread.

#include <atomic>
#include <filesystem>
#include <thread>

#include "content/block_store.hpp"
#include "ledger/consent_vocabulary.hpp"
#include "node/node.hpp"

namespace pv {

struct ErasureRun {
  std::size_t records = 0;  // erasures finished (receipt submitted or already on the ledger)
  std::size_t pending = 0;  // erasures still after the cursor (a receipt waits for commit)
};

class RecordEraser {
 public:
  // `blocks` may be null (no content store) or a store that cannot erase (a Kubo node): the
  // receipt then counts no deleted block. The cursor lives in `<data_dir>/erasure/cursor`.
  RecordEraser(Node& node, content::BlockStore* blocks, const std::filesystem::path& data_dir);
  ~RecordEraser();
  RecordEraser(const RecordEraser&) = delete;
  RecordEraser& operator=(const RecordEraser&) = delete;

  // Works through every erasure after the cursor. An erasure whose receipt is not yet committed
  // stays pending (the cursor stops before it) and is retried on the next run.
  [[nodiscard]] Result<ErasureRun> run_once();
  // Runs run_once() every `interval` on a thread of its own until stop().
  void start(std::chrono::milliseconds interval = std::chrono::milliseconds(250));
  void stop();

 private:
  [[nodiscard]] Result<std::uint64_t> load_cursor() const;
  [[nodiscard]] Status save_cursor(std::uint64_t next) const;
  [[nodiscard]] Result<bool> erase_one(const RecordId& record);

  Node& node_;
  content::BlockStore* blocks_;
  std::filesystem::path cursor_file_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace pv
