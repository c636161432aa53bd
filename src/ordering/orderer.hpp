#pragma once
// Ordering: turns transactions accepted by any node into one total order of batches. The
// committer turns each batch into a block. Implementations: EmbeddedSequencer (one process) and,
// later, an etcd-backed orderer (Raft across machines). Everything above this interface is the
// same in both modes.

#include <cstdint>
#include <functional>
#include <vector>

#include "base/bytes.hpp"

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
};

}  // namespace pv
