#pragma once
// The consent contract's bytecode as the build compiled it from contracts/ConsentRules.sol with
// the pinned solc and contracts/settings.json (generated: build/generated/
// consent_contract_code.cpp). Genesis deploys it (ledger/contract_state.hpp).

#include <string_view>

#include "base/bytes.hpp"

namespace pv {

// The creation code (runs once, returns the runtime code).
ByteView consent_contract_init_code();
// The code that stays at the contract's address.
ByteView consent_contract_runtime_code();
// "0.8.28+commit.7893614a.Emscripten.clang": the solc that produced both.
std::string_view consent_contract_compiler();

}  // namespace pv
