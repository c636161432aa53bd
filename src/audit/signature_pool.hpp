#pragma once
// Stateless transaction signature checks for the auditor (docs/audit.md, "The follower in
// detail"). Verifying signatures is most of the work of re-verifying a ledger, so it runs on a
// fixed pool of threads shared by every follower of one auditor:
//   - a block's transactions are checked in small chunks, so the workers and the thread that
//     waits for the verdicts (it helps with its own block) keep both cores busy while the
//     followers re-execute earlier blocks;
//   - a block is known by the digest of its exact transaction bytes, and one that several nodes
//     serve is checked once: the other followers wait for (or find) the same verdicts.
// A verdict is true where a transaction's signature is a pure function of its bytes and verified
// (ledger/signer.hpp); the executor re-checks every other transaction against state.
// Thread-safety: every method may be called from any thread.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "ledger/transaction.hpp"

namespace pv::audit {

// One block's checks, in progress or done (opaque to callers).
struct SignatureCheck;

class SignaturePool {
 public:
  // `workers` threads; 0: one per hardware thread, so both cores verify while a follower
  // re-executes (a thread that waits for a block's verdicts works on that block too).
  explicit SignaturePool(unsigned workers = 0);
  ~SignaturePool();
  SignaturePool(const SignaturePool&) = delete;
  SignaturePool& operator=(const SignaturePool&) = delete;

  // Starts checking `txs` of `network`, or joins the check of the same bytes already started or
  // recently finished. Does not block.
  std::shared_ptr<SignatureCheck> submit(const NetworkId& network, const std::vector<Bytes>& txs);
  // The verdicts of `check`, one per transaction; works on the check's remaining chunks while
  // waiting.
  std::vector<bool> wait(SignatureCheck& check);

  // Checks started and checks answered from the cache since the pool was made (for /v1/status).
  std::uint64_t checked_blocks() const;
  std::uint64_t shared_blocks() const;

 private:
  void work();
  bool claim(SignatureCheck& check, std::size_t& chunk);  // REQUIRES: mu_ held
  void finish_chunk(SignatureCheck& check);

  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // a chunk to claim, or stopping
  std::condition_variable done_cv_;  // a check finished
  std::deque<std::shared_ptr<SignatureCheck>> queue_;  // checks with unclaimed chunks, FIFO
  std::map<Hash32, std::shared_ptr<SignatureCheck>> recent_;  // by transaction-bytes digest
  std::deque<Hash32> recent_order_;
  std::uint64_t checked_ = 0, shared_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

// The same verdicts on the calling thread and one other, without a pool (tests, small tools).
std::vector<bool> precheck_signatures(const NetworkId& network, const std::vector<Bytes>& txs);

}  // namespace pv::audit
