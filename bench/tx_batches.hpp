#pragma once
// Posting pre-signed transactions to a node in batches, as the load generator does: one thread
// per connection, each POST /v1/tx?wait=true signed (RFC 9421) by that connection's key.

#include <string>
#include <vector>

#include "consent_bench_support.hpp"

namespace pv::bench {

struct Phase {
  std::uint64_t valid = 0, other = 0;  // committed as valid; anything else
  double seconds = 0;
  std::vector<double> latencies_ms;  // per POST
};

// Posts each connection's bodies in order from its own thread; counts transactions committed as
// valid.
Phase post_batches(const std::string& host, int port,
                   const std::vector<std::vector<std::string>>& bodies,
                   const std::vector<Person>& signers);

// {"txs": [base64...]} bodies of at most `batch` transactions each.
std::vector<std::string> batch_bodies(const std::vector<Bytes>& txs, std::size_t batch);

}  // namespace pv::bench
