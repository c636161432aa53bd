// Thousands of random programs (biased towards defined opcodes, small push values and calls back
// into the same code) must each end in a status, never a crash, and keep the invariants every
// node relies on: the same run gives the same result, gas used never exceeds the gas given, an
// exceptional halt consumes all gas and writes nothing, and only success writes storage.

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "evm/code_run.hpp"
#include "evm/opcodes.hpp"

namespace pv::evm {
namespace {

Bytes random_program(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> len(1, 160), byte(0, 255), pick(0, 9), small(0, 64);
  std::vector<std::uint8_t> defined;
  for (int op = 0; op < 256; ++op)
    if (cancun_instructions[op].name != nullptr && op != SELFDESTRUCT) defined.push_back(op);
  Bytes code;
  const int n = len(rng);
  while (static_cast<int>(code.size()) < n) {
    const int k = pick(rng);
    if (k < 4) {  // a small push: offsets, sizes, slots, jump targets
      code.push_back(PUSH1);
      code.push_back(static_cast<std::uint8_t>(small(rng)));
    } else if (k == 4) {  // call ourselves: CALL(GAS, ADDRESS, 0, 0, 0, 0, 0)
      for (std::uint8_t b : {0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x30, 0x5a, 0xf1}) code.push_back(b);
    } else if (k == 5) {
      code.push_back(static_cast<std::uint8_t>(byte(rng)));
    } else {
      code.push_back(defined[std::uniform_int_distribution<std::size_t>(0, defined.size() - 1)(rng)]);
    }
  }
  return code;
}

bool exceptional(Status s) { return s != Status::success && s != Status::revert; }

TEST(RandomBytecode, EndsCleanlyAndDeterministically) {
  std::mt19937_64 rng(20261206);
  std::map<Status, int> seen;
  for (int i = 0; i < 3000; ++i) {
    CodeRun run;
    run.code = random_program(rng);
    run.input = Bytes{1, 2, 3};
    run.gas = 200000;
    run.value = uint256{static_cast<std::uint64_t>(i % 3)};
    const CodeRunReport a = run_code(run);
    const CodeRunReport b = run_code(run);
    ++seen[a.status];
    ASSERT_EQ(a.status, b.status) << to_hex(run.code);
    ASSERT_EQ(a.gas_used, b.gas_used) << to_hex(run.code);
    ASSERT_EQ(a.output, b.output) << to_hex(run.code);
    ASSERT_EQ(a.storage.size(), b.storage.size()) << to_hex(run.code);
    ASSERT_GE(a.gas_used, 0);
    ASSERT_LE(a.gas_used, run.gas) << to_hex(run.code);
    if (exceptional(a.status)) {
      ASSERT_EQ(a.gas_used, run.gas) << to_hex(run.code);
      ASSERT_TRUE(a.output.empty()) << to_hex(run.code);
    }
    if (a.status != Status::success) {
      ASSERT_TRUE(a.storage.empty()) << to_hex(run.code);
      ASSERT_TRUE(a.logs.empty()) << to_hex(run.code);
    }
  }
  // The generator reaches the common endings.
  EXPECT_GT(seen[Status::success], 100);
  EXPECT_GT(seen[Status::stack_underflow], 100);
  EXPECT_GT(seen[Status::revert] + seen[Status::out_of_gas] + seen[Status::bad_jump_destination] +
                seen[Status::invalid_instruction],
            100);
}

}  // namespace
}  // namespace pv::evm
