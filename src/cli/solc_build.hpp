#pragma once
// Rebuilding a Solidity contract with the pinned compiler the node was built with: runs
// contracts/compile.mjs (solc-js from contracts/package-lock.json) under Node.js
// (docs/evm.md, "Governance"). The contracts directory is the source tree's, or
// $PV_CONTRACTS_DIR.

#include <string>

#include "evm/types.hpp"

namespace pv::cli {

struct CompiledContract {
  std::string compiler;  // "0.8.28+commit.7893614a.Emscripten.clang"
  Bytes init_code;
  Bytes runtime_code;
  evm::Bytes32 runtime_hash;  // keccak256 of the runtime code
};

// Compiles `contract` in the Solidity file `source_path` with the standard-JSON settings in
// `settings_path`. Errors say what to install or fix (no node, no solc, compile errors).
[[nodiscard]] Result<CompiledContract> compile_contract(const std::string& source_path,
                                                        const std::string& settings_path,
                                                        const std::string& contract);

// Where compile.mjs is looked for.
std::string contracts_dir();

}  // namespace pv::cli
