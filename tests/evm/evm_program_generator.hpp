#pragma once
// Random but meaningful EVM programs for the differential tests (evm_differential_test.cpp):
// weighted opcodes whose operands are pushed first (so most programs get past the first few
// instructions), interesting values (0, 1, 2^255, 2^256-1, ...), jumps to real JUMPDESTs (and a
// few to anywhere), memory, storage, transient storage, logs, calls of every kind between three
// deployed contracts, an account without code and the precompiles, CREATE/CREATE2 of small init
// codes, reverts, self-destructs and gas budgets small enough to run out. One seed gives one
// case, always the same.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "base/bytes.hpp"

namespace pv::evm::testing {

// A batch line of `pv evm exec --batch` (docs/evm.md): three contracts, one call or a sequence.
nlohmann::json generate_program_case(std::uint64_t seed, std::uint64_t index);

// The code as one instruction per line ("0012 PUSH1 0x20"), for failure messages.
std::string disassemble(ByteView code);

// Assembles "PUSH1 0x20 PUSH0 MSTORE ..." (names of opcodes.hpp; PUSHn takes one hex
// immediate, PUSH picks the smallest size; a bare hex token is inserted as raw bytes).
// REQUIRES: valid text (tests only).
Bytes assemble(const std::string& text);

}  // namespace pv::evm::testing
