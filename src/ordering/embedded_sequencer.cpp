#include "ordering/embedded_sequencer.hpp"

namespace pv {
namespace {
std::uint64_t now_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}
}  // namespace

EmbeddedSequencer::EmbeddedSequencer(CutPolicy policy, std::uint64_t last_time_ms)
    : policy_(policy), last_time_ms_(last_time_ms) {}

EmbeddedSequencer::~EmbeddedSequencer() { stop(); }

void EmbeddedSequencer::start(Deliver deliver) {
  deliver_ = std::move(deliver);
  thread_ = std::thread([this] { run(); });
}

bool EmbeddedSequencer::enqueue(std::vector<OrderedTx>&& txs) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    if (queue_.empty()) oldest_ = std::chrono::steady_clock::now();
    for (auto& tx : txs) {
      queued_bytes_ += tx.encoded.size();
      queue_.push_back(std::move(tx));
    }
  }
  cv_.notify_one();
  return true;
}

std::uint64_t EmbeddedSequencer::queue_depth() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

OrderedBatch EmbeddedSequencer::cut_locked() {
  OrderedBatch batch;
  std::size_t bytes = 0;
  while (!queue_.empty() && batch.transactions.size() < policy_.max_transactions) {
    std::size_t size = queue_.front().encoded.size();
    if (!batch.transactions.empty() && bytes + size > policy_.max_bytes) break;
    bytes += size;
    batch.transactions.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  queued_bytes_ -= bytes;
  // What stays queued arrived after oldest_, so keeping oldest_ only cuts it sooner.
  last_time_ms_ = std::max(last_time_ms_, now_ms());
  batch.time_ms = last_time_ms_;
  return batch;
}

void EmbeddedSequencer::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    auto full = [&] {
      return queue_.size() >= policy_.max_transactions || queued_bytes_ >= policy_.max_bytes;
    };
    if (queue_.empty()) {
      if (stopping_) return;
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      continue;
    }
    if (!full() && !stopping_) {
      auto deadline = oldest_ + policy_.timeout;
      if (cv_.wait_until(lock, deadline, [&] { return stopping_ || full(); }) == false &&
          std::chrono::steady_clock::now() < deadline)
        continue;
    }
    OrderedBatch batch = cut_locked();
    lock.unlock();
    deliver_(std::move(batch));
    lock.lock();
  }
}

void EmbeddedSequencer::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace pv
