#pragma once
// Offline verification of a node's data directory: re-hash every block, re-check every
// signature and seal, replay every transaction to recompute the Merkle log and the state digests,
// and compare the stored state and indexes with the replayed ones.

#include <cstdint>
#include <optional>
#include <string>

#include "base/result.hpp"

namespace pv {

struct VerifyReport {
  bool ok = false;
  std::uint64_t blocks = 0;        // blocks checked
  std::uint64_t transactions = 0;  // transactions checked
  std::uint64_t log_size = 0;
  std::string log_root_hex;
  std::string state_digest_hex;
  std::optional<std::uint64_t> first_bad_block;  // set when !ok and a block can be named
  std::string problem;             // why verification failed, starting "block N: " when a
                                   // block can be named (empty when ok)
  double seconds = 0;
};

// Opens the data directory read-only (it may belong to a stopped node). Fails only when the
// directory cannot be opened at all; a ledger that does not verify is a report with ok == false.
[[nodiscard]] Result<VerifyReport> verify_data_dir(const std::string& data_dir);

}  // namespace pv
