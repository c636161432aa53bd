#pragma once
// The embedded orderer: one in-process queue. A batch is cut when it holds max_transactions,
// when its encodings reach max_bytes, or when its oldest transaction has waited `timeout`.
// While the committer writes one block, the next batch fills (group commit).

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "ordering/orderer.hpp"

namespace pv {

// Defaults from bench/run.sh-style sweeps on the 2-core reference machine (docs/configuration.md):
// throughput was flat from 250 to 2,000 transactions per block, so the block size is moderate and
// the timeout short, which keeps a lone transaction's wait small when the network is quiet.
struct CutPolicy {
  std::uint32_t max_transactions = 1000;      // cut when this many are queued
  std::uint32_t max_bytes = 4 * 1024 * 1024;  // or when their encodings reach this size
  std::chrono::milliseconds timeout{5};       // or when the oldest has waited this long
};

class EmbeddedSequencer : public Orderer {
 public:
  // `last_time_ms`: time of the last committed block, so block times never go backwards.
  EmbeddedSequencer(CutPolicy policy, std::uint64_t last_time_ms);
  ~EmbeddedSequencer() override;

  void start(Deliver deliver) override;
  bool enqueue(std::vector<OrderedTx>&& txs) override;
  std::uint64_t queue_depth() const override;
  void stop() override;

 private:
  void run();
  OrderedBatch cut_locked();

  const CutPolicy policy_;
  std::uint64_t last_time_ms_;
  Deliver deliver_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<OrderedTx> queue_;
  std::size_t queued_bytes_ = 0;
  std::chrono::steady_clock::time_point oldest_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pv
