#pragma once
// Vm: runs call frames against a State. One Vm per transaction; frames nest by recursion of
// call(), each on its own heap-allocated stack and memory.

#include "evm/message.hpp"
#include "evm/state.hpp"

namespace pv::evm {

class Vm {
 public:
  Vm(State& state, const BlockContext& block, const TxContext& tx)
      : state_(state), block_(block), tx_(tx) {}

  // Runs one frame of any kind (CALL family or CREATE/CREATE2): depth and balance checks,
  // snapshot, value transfer, then a precompile or the code; reverts the frame's changes unless
  // it succeeds. Never fails in any other way than through CallResult::status.
  [[nodiscard]] CallResult call(const Message& msg);

  State& state() { return state_; }
  const BlockContext& block() const { return block_; }
  const TxContext& tx() const { return tx_; }

  // The first precompile a transaction used that this build does not implement (0 if none):
  // the state-test harness reports such cases instead of counting them as failures.
  std::uint8_t unsupported_precompile_used() const { return unsupported_precompile_; }

 private:
  CallResult create(const Message& msg);

  State& state_;
  const BlockContext& block_;
  const TxContext& tx_;
  std::uint8_t unsupported_precompile_ = 0;
  bool on_fresh_stack_ = false;  // the next call() is the first frame of a fresh stack
};

// The address CREATE gives: keccak256(rlp([sender, nonce]))[12:].
[[nodiscard]] Address create_address(const Address& sender, std::uint64_t nonce);
// The address CREATE2 gives: keccak256(0xff ++ sender ++ salt ++ keccak256(init_code))[12:].
[[nodiscard]] Address create2_address(const Address& sender, const uint256& salt,
                                      ByteView init_code);

// Runs `code` as the frame described by `msg` (interpreter.cpp). `jumpdests`: the code's
// analysis when known (analyze_jumpdests(code), or null to compute it here).
[[nodiscard]] CallResult interpret(Vm& vm, const Message& msg, ByteView code,
                                   const JumpdestMap* jumpdests = nullptr);

}  // namespace pv::evm
