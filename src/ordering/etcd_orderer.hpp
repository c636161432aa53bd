#pragma once
// The cluster orderer: etcd's Raft gives every node the same total order of node batches.
//
// Each node cuts the transactions it accepted into a batch (by count, bytes or age, as the
// embedded sequencer does), signs it with its node key and writes it to its own key in etcd
// (`<prefix>/b/<node key hex>`); a node keeps at most one write in flight, so batches grow
// with load. Every node watches the whole batch range from the revision after the last one its
// ledger holds, verifies each batch (ordering/node_batch.hpp; a batch that fails is skipped by
// every node alike) and delivers it as one block: block n+1 is exactly the next valid non-empty
// batch in revision order, with the batch's time (the committer keeps block times monotonic).
// Nothing in a block depends on the local clock, the watch's chunking or timing, so every node
// derives byte-identical blocks.
//
// Housekeeping (one thread): publishes this node's progress (ordering/progress_record.hpp),
// compacts etcd to the smallest revision every live node has committed, defragments members
// periodically, and handles the NOSPACE alarm (writes refused until compaction and
// defragmentation freed space, then the alarm is disarmed).
//
// A node whose next revision was compacted away asks `catch_up` to fetch the missing blocks
// from peers and then follows etcd from the revision the peer published for that height.

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "ledger/transaction.hpp"
#include "ordering/embedded_sequencer.hpp"
#include "ordering/etcd_client.hpp"
#include "ordering/progress_record.hpp"

namespace pv {

struct EtcdOrderingOptions {
  EtcdOptions etcd;
  CutPolicy cutting;     // when this node cuts its own batch (bytes capped to fit etcd)
  std::string self_url;  // this node's API URL, published to peers
  std::chrono::milliseconds housekeeping_interval{1000};
  std::uint64_t compact_min_revisions = 1000;  // compact once the target moved this far
  std::uint64_t retain_revisions = 100'000;    // a node further behind stops holding compaction
  std::chrono::seconds defrag_interval{600};   // 0: only after a NOSPACE alarm
};

struct EtcdOrderingStats {
  std::uint64_t batches_put = 0, put_failures = 0, batches_skipped = 0;
  std::uint64_t applied_revision = 0;    // last revision this node's ledger holds
  std::uint64_t compacted_revision = 0;  // last compaction this node made or saw
  std::uint64_t catch_ups = 0;
  bool nospace = false;
};

class EtcdOrderer : public Orderer {
 public:
  // Fetches, checks and commits blocks from `peers` up to one of their published heads; returns
  // the revision of the record it reached (etcd is followed from the one after). `compacted`
  // is the revision etcd has compacted to (0 when unknown).
  using CatchUp = std::function<Result<std::uint64_t>(const std::vector<ProgressRecord>& peers,
                                                      std::uint64_t compacted)>;

  // `position`: the revision the ledger's head block ends at; nullopt when unknown (blocks were
  // copied from a peer and the copy was interrupted), which starts with a catch-up.
  EtcdOrderer(EtcdOrderingOptions options, NetworkId network, SigningKey node_key,
              std::set<PublicKey> members, std::optional<std::uint64_t> position, CatchUp catch_up);
  ~EtcdOrderer() override;

  void start(Deliver deliver) override;
  bool enqueue(std::vector<OrderedTx>&& txs) override;
  std::uint64_t queue_depth() const override;
  void stop() override;
  Status health() const override;
  void note_committed(std::uint64_t position, std::uint64_t height,
                      const Hash32& block_hash) override;

  // The latest verified progress records of the other nodes.
  std::vector<ProgressRecord> peers() const;
  EtcdOrderingStats stats() const;

 private:
  void run_putter();
  void run_watcher();
  void run_housekeeping();
  bool follow(std::uint64_t from);  // one watch stream; false when it must catch up first
  [[nodiscard]] Status catch_up_now();
  void deliver_batch(const EtcdKeyValue& kv);
  [[nodiscard]] Result<std::vector<ProgressRecord>> read_progress(std::uint64_t* revision);
  void set_put_failure(std::string why);

  const EtcdOrderingOptions options_;
  const NetworkId network_;
  const SigningKey key_;
  const std::set<PublicKey> members_;
  const std::string prefix_;  // "pv/<network id hex>/"
  const CatchUp catch_up_;
  EtcdClient etcd_;
  Deliver deliver_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<OrderedTx> queue_;
  std::size_t queued_bytes_ = 0;
  std::chrono::steady_clock::time_point oldest_;
  std::uint64_t next_seq_;
  std::uint64_t last_time_ms_ = 0;
  std::map<std::uint64_t, std::vector<OrderedTx>> in_flight_;  // own batches put, not delivered
  std::string put_failure_, catch_up_status_;
  bool stopping_ = false, putter_done_ = false;
  std::atomic<bool> watch_stop_{false};
  std::optional<std::uint64_t> applied_;  // last revision delivered (or reached by catch-up)
  ProgressRecord committed_;              // what this node publishes
  std::vector<ProgressRecord> peers_;
  EtcdOrderingStats stats_;

  std::thread putter_, watcher_, housekeeper_;
};

}  // namespace pv
