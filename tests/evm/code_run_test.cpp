// run_code (what `pv evm exec` prints): status, gas, output, logs and the storage written.

#include <gtest/gtest.h>

#include "evm/code_run.hpp"

namespace pv::evm {
namespace {

TEST(CodeRun, ReportsOutputLogsAndStorageWrites) {
  CodeRun run;
  // SSTORE(1, 7); LOG1(0, 0, topic 0xaa); MSTORE(0, 42); RETURN(0, 32)
  run.code = *from_hex("6007600155" "60aa5f5fa1" "602a5f52" "60205ff3");
  run.gas = 100000;
  const CodeRunReport r = run_code(run);
  EXPECT_EQ(r.status, Status::success);
  ASSERT_EQ(r.output.size(), 32u);
  EXPECT_EQ(r.output[31], 42);
  ASSERT_EQ(r.logs.size(), 1u);
  EXPECT_EQ(r.logs[0].address, code_run_address());
  EXPECT_EQ(r.logs[0].topics.at(0).bytes[31], 0xaa);
  ASSERT_EQ(r.storage.size(), 1u);
  EXPECT_EQ(r.storage[0].key, uint256{1});
  EXPECT_EQ(r.storage[0].value, uint256{7});
  // 3+3+22100 (cold slot, zero to non-zero) + 3+2+2+750 (LOG1) + 3+2+6 (MSTORE, one word)
  // + 3+2 (RETURN)
  EXPECT_EQ(r.gas_used, 22106 + 757 + 11 + 5);
}

TEST(CodeRun, RevertAndFailureWriteNothing) {
  CodeRun run;
  run.code = *from_hex("600160015560205ffd");  // SSTORE(1, 1); REVERT(0, 32)
  CodeRunReport r = run_code(run);
  EXPECT_EQ(r.status, Status::revert);
  EXPECT_TRUE(r.storage.empty());
  EXPECT_EQ(r.output.size(), 32u);
  run.code = *from_hex("6001600155fe");  // SSTORE then INVALID
  r = run_code(run);
  EXPECT_EQ(r.status, Status::invalid_instruction);
  EXPECT_EQ(r.gas_used, run.gas);
  EXPECT_TRUE(r.storage.empty());
}

TEST(CodeRun, ChainConstants) {
  CodeRun run;
  // CHAINID BASEFEE BLOBBASEFEE, each MSTOREd, RETURN(0, 96)
  run.code = *from_hex("465f52" "48602052" "4a604052" "60605ff3");
  const CodeRunReport r = run_code(run);
  ASSERT_EQ(r.output.size(), 96u);
  EXPECT_EQ(load_be32(r.output.data()), uint256{0x7076});
  EXPECT_EQ(load_be32(r.output.data() + 32), uint256{0});
  EXPECT_EQ(load_be32(r.output.data() + 64), uint256{1});
}

}  // namespace
}  // namespace pv::evm
