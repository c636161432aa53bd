#pragma once
// Running bytecode alone, outside any ledger: one call of `code` placed at a fixed address, from
// `caller`, on an otherwise empty state with our chain's block constants (docs/evm.md). What
// `pv evm exec` and the differential tests use.

#include <vector>

#include "evm/message.hpp"
#include "evm/state.hpp"

namespace pv::evm {

// Where the code runs: 0x000000000000000000000000000000000000c0de.
Address code_run_address();

struct CodeRun {
  Bytes code;
  Bytes input;
  std::int64_t gas = 10'000'000;
  Address caller;  // default: the zero address
  uint256 value{};  // credited to the caller first, so any value can be sent
};

struct StorageWrite {
  Address address;
  uint256 key;
  uint256 value;
};

struct CodeRunReport {
  Status status = Status::success;
  std::int64_t gas_used = 0;
  Bytes output;  // return data or revert data
  std::vector<Log> logs;
  std::vector<StorageWrite> storage;  // slots whose value changed, sorted by address and key
};

[[nodiscard]] CodeRunReport run_code(const CodeRun& run);

}  // namespace pv::evm
