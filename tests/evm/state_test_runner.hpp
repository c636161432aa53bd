#pragma once
// Runs filled GeneralStateTests files (../shared/vectors/ethereum-tests/README.md): each
// post.Cancun entry is one transaction applied alone to `pre`; the post-state root and the logs
// hash must match.

#include <filesystem>
#include <string>
#include <vector>

#include "evm/state.hpp"

namespace pv::evm::test {

struct StateTestReport {
  int passed = 0;
  std::vector<std::string> failures;  // "file:test[d,g,v]: what differed"
  std::vector<std::string> skipped;   // "file:test[d,g,v]: why"
};

// Runs every Cancun case of one file and adds the outcome to `report`.
void run_state_test_file(const std::filesystem::path& file, StateTestReport& report);

// Root of the Merkle-Patricia account trie of every existing account in `state`.
Bytes32 state_root(const State& state);
// keccak256(rlp(logs)).
Bytes32 logs_hash(const std::vector<Log>& logs);

}  // namespace pv::evm::test
