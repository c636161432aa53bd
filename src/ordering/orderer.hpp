#pragma once
// Ordering: turns transactions accepted by any node into one total order of batches. The
// committer turns each batch into a block. Implementations: EmbeddedSequencer (one process) and
// EtcdOrderer (etcd's Raft across machines). Everything above this interface is the same in both
// modes.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/sha256.hpp"

namespace pv {

struct OrderedTx {
  Bytes encoded;
  bool signature_checked = false;  // verified by this process before ordering
  std::uint64_t accepted_ns = 0;    // steady-clock time of acceptance, for latency metrics
};

// One unit of the total order. Batch n is delivered before batch n+1, exactly once per run.
struct OrderedBatch {
  std::uint64_t time_ms = 0;  // block time: assigned by the orderer, never decreasing
  std::vector<OrderedTx> transactions;
  // Where this batch sits in the orderer's total order (the etcd revision in cluster mode),
  // stored with its block so that a restarted node resumes right after it. Empty: embedded.
  std::optional<std::uint64_t> position;
};

class Orderer {
 public:
  using Deliver = std::function<void(OrderedBatch&&)>;
  virtual ~Orderer() = default;
  // Starts ordering; `deliver` is called from one thread at a time, in order. Batches are
  // delivered strictly after the previous delivery returns (the committer's back-pressure).
  virtual void start(Deliver deliver) = 0;
  // Queues transactions in the given order. Returns false when the orderer is stopping.
  virtual bool enqueue(std::vector<OrderedTx>&& txs) = 0;
  // Transactions queued but not yet delivered.
  virtual std::uint64_t queue_depth() const = 0;
  // Delivers what is queued, then stops. Idempotent.
  virtual void stop() = 0;
  // Ok while the orderer can order new transactions; otherwise why not (e.g. etcd has no quorum
  // or is out of space). The node refuses writes with this message meanwhile.
  virtual Status health() const { return Status::ok(); }
  // The node committed the batch at `position` as block `height` with hash `block_hash`.
  virtual void note_committed(std::uint64_t position, std::uint64_t height, const Hash32& block_hash) {
    (void)position, (void)height, (void)block_hash;
  }
};

}  // namespace pv
