// Bad input ends a frame cleanly with the documented status (docs/evm.md, "Failure cases"), and
// the basic frame mechanics behave: revert data, static mode, the call depth limit, gas.

#include <gtest/gtest.h>

#include "evm/opcodes.hpp"
#include "evm/vm.hpp"

namespace pv::evm {
namespace {

const Address contract = small_address(0xcc);
const Address caller = small_address(0xaa);

Bytes code_of(std::string_view hex) { return *from_hex(hex); }

struct Run {
  State state;
  BlockContext block;
  TxContext tx;
  CallResult result;
};

std::unique_ptr<Run> run(const Bytes& code, std::int64_t gas, bool is_static = false) {
  auto r = std::make_unique<Run>();
  Account a;
  a.code = code;
  r->state.insert(contract, std::move(a));
  Account c;
  c.balance = uint256{1000000};
  r->state.insert(caller, std::move(c));
  Vm vm(r->state, r->block, r->tx);
  Message m;
  m.gas = gas;
  m.recipient = contract;
  m.code_address = contract;
  m.sender = caller;
  m.is_static = is_static;
  r->result = vm.call(m);
  return r;
}

TEST(EvmInterpreter, StackUnderflowOverflowAndInvalidCodeFailCleanly) {
  EXPECT_EQ(run(code_of("01"), 100)->result.status, Status::stack_underflow);
  std::string pushes;
  for (int i = 0; i < 1025; ++i) pushes += "5f";
  auto over = run(code_of(pushes), 100000);
  EXPECT_EQ(over->result.status, Status::stack_overflow);
  EXPECT_EQ(over->result.gas_left, 0);
  std::string full;
  for (int i = 0; i < 1024; ++i) full += "5f";
  EXPECT_EQ(run(code_of(full), 100000)->result.status, Status::success);
  EXPECT_EQ(run(code_of("fe"), 100)->result.status, Status::invalid_instruction);
  EXPECT_EQ(run(code_of("0c"), 100)->result.status, Status::invalid_instruction);  // undefined
}

TEST(EvmInterpreter, JumpsOnlyToJumpdestsOutsidePushData) {
  // PUSH1 0x5b; PUSH1 1; JUMP: byte 1 is a 0x5b inside push data.
  EXPECT_EQ(run(code_of("605b600156"), 100)->result.status, Status::bad_jump_destination);
  // PUSH1 4; JUMP; INVALID; JUMPDEST; STOP.
  EXPECT_EQ(run(code_of("600456fe5b00"), 100)->result.status, Status::success);
  // Past the end of the code.
  EXPECT_EQ(run(code_of("60ff56"), 100)->result.status, Status::bad_jump_destination);
}

TEST(EvmInterpreter, OutOfGasConsumesAllGasAndUndoesChanges) {
  // SSTORE(0, 1), then JUMPDEST; PUSH1 4; JUMP forever.
  auto r = run(code_of("60015f555b600456"), 30000);
  EXPECT_EQ(r->result.status, Status::out_of_gas);
  EXPECT_EQ(r->result.gas_left, 0);
  Account& a = r->state.get(contract);
  EXPECT_TRUE(r->state.slot(a, contract, uint256{0}).current.is_zero());
}

TEST(EvmInterpreter, RevertKeepsOutputAndRemainingGas) {
  // MSTORE(0, 42); SSTORE(0, 1); REVERT(0, 32)
  auto r = run(code_of("602a5f5260015f5560205ffd"), 100000);
  EXPECT_EQ(r->result.status, Status::revert);
  ASSERT_EQ(r->result.output.size(), 32u);
  EXPECT_EQ(r->result.output[31], 42);
  EXPECT_GT(r->result.gas_left, 70000);
  Account& a = r->state.get(contract);
  EXPECT_TRUE(r->state.slot(a, contract, uint256{0}).current.is_zero());
}

TEST(EvmInterpreter, StaticFramesCannotWrite) {
  EXPECT_EQ(run(code_of("60015f55"), 100000, true)->result.status,
            Status::static_mode_violation);  // SSTORE
  EXPECT_EQ(run(code_of("5f5fa0"), 100000, true)->result.status,
            Status::static_mode_violation);  // LOG0
  EXPECT_EQ(run(code_of("60015f5d"), 100000, true)->result.status,
            Status::static_mode_violation);  // TSTORE
  EXPECT_EQ(run(code_of("5f54"), 100000, true)->result.status, Status::success);  // SLOAD
}

TEST(EvmInterpreter, CallDepthStopsAt1024NestedFrames) {
  // SSTORE(0, SLOAD(0) + 1); CALL(GAS, ADDRESS, 0, 0, 0, 0, 0): every frame counts itself.
  auto rec = run(code_of("5f546001015f55" "5f5f5f5f5f305af1" "00"), 1'000'000'000'000);
  ASSERT_EQ(rec->result.status, Status::success);
  Account& a = rec->state.get(contract);
  // Frames at depths 0..1024 ran; the call from depth 1024 failed without running.
  EXPECT_EQ(rec->state.slot(a, contract, uint256{0}).current, uint256{1025});
}

TEST(EvmInterpreter, SameInputSameResult) {
  const Bytes code = code_of("5f546001015f55" "5f5f5f5f5f305af1" "00");
  auto a = run(code, 50'000'000);
  auto b = run(code, 50'000'000);
  EXPECT_EQ(a->result.status, b->result.status);
  EXPECT_EQ(a->result.gas_left, b->result.gas_left);
  Account& x = a->state.get(contract);
  Account& y = b->state.get(contract);
  EXPECT_EQ(a->state.slot(x, contract, uint256{0}).current,
            b->state.slot(y, contract, uint256{0}).current);
}

TEST(EvmInterpreter, TheInstructionTableIsCancun) {
  int defined = 0;
  for (const auto& t : cancun_instructions) defined += t.name != nullptr;
  // 0x00-0x0b (12), 0x10-0x1d (14), 0x20, 0x30-0x3f (16), 0x40-0x4a (11), 0x50-0x5f (16),
  // PUSH1-32, DUP, SWAP (64), LOG0-4 (5), 0xf0-0xf5 (6), 0xfa, 0xfd-0xff (3).
  EXPECT_EQ(defined, 12 + 14 + 1 + 16 + 11 + 16 + 64 + 5 + 6 + 1 + 3);
  EXPECT_STREQ(cancun_instructions[MCOPY].name, "MCOPY");
  EXPECT_EQ(cancun_instructions[SLOAD].gas, 100);
  EXPECT_EQ(cancun_instructions[EXP].gas, 10);
}

}  // namespace
}  // namespace pv::evm
