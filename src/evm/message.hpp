#pragma once
// What goes into a call frame and what comes out, and the block and transaction context the
// environment instructions read.

#include <cstdint>
#include <functional>
#include <vector>

#include "evm/types.hpp"

namespace pv::evm {

enum class CallKind : std::uint8_t { call, callcode, delegatecall, staticcall, create, create2 };

// How a frame ended. Only `success` keeps the frame's state changes; only `success` and
// `revert` return the frame's remaining gas.
enum class Status : std::uint8_t {
  success,
  revert,
  out_of_gas,
  invalid_instruction,
  stack_underflow,
  stack_overflow,
  bad_jump_destination,
  static_mode_violation,
  invalid_memory_access,
  contract_validation_failure,
  create_collision,
  call_depth_exceeded,
  insufficient_balance,
  nonce_overflow,
  precompile_failure,
  unsupported_precompile,
};
const char* status_name(Status s);

struct Message {
  CallKind kind = CallKind::call;
  bool is_static = false;
  int depth = 0;
  std::int64_t gas = 0;
  Address recipient;     // whose storage and balance the frame uses (the new address for CREATE)
  Address sender;        // CALLER
  Address code_address;  // whose code runs (differs from recipient for CALLCODE/DELEGATECALL)
  ByteView input;        // call data, or init code for CREATE/CREATE2
  uint256 value{};
  uint256 salt{};        // CREATE2
};

struct CallResult {
  Status status = Status::success;
  std::int64_t gas_left = 0;
  Bytes output;  // return data, or revert data
  Address created;  // CREATE/CREATE2 on success
};

struct BlockContext {
  Address coinbase;
  std::uint64_t number = 0;
  std::uint64_t timestamp = 0;
  std::uint64_t gas_limit = 0;
  uint256 prev_randao{};
  uint256 base_fee{};
  uint256 blob_base_fee{1};
  uint256 chain_id{0x7076};
  // BLOCKHASH: the hash of an earlier block, or zero when unknown. REQUIRES: number < current.
  std::function<Bytes32(std::uint64_t number)> block_hash;
};

struct TxContext {
  Address origin;
  uint256 gas_price{};
  std::vector<Bytes32> blob_hashes;
};

}  // namespace pv::evm
