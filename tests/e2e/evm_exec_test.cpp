// `pv evm exec` as a real process: bytecode in, status, gas, output, logs and storage out.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "process.hpp"

namespace pv::e2e {
namespace {

using nlohmann::json;

TEST(PvEvmExec, RunsBytecodeAndPrintsWhatItDid) {
  // SSTORE(1, 7); LOG1(0, 0, 0xaa); MSTORE(0, 42); RETURN(0, 32)
  auto r = run({pv_bin(), "evm", "exec", "--code", "0x6007600155" "60aa5f5fa1" "602a5f52" "60205ff3",
                "--gas", "100000", "--json"});
  ASSERT_TRUE(r.ok()) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j.at("status"), "success");
  EXPECT_EQ(j.at("gasUsed"), 22879);
  EXPECT_EQ(j.at("output"), "0x000000000000000000000000000000000000000000000000000000000000002a");
  ASSERT_EQ(j.at("logs").size(), 1u);
  EXPECT_EQ(j.at("logs")[0].at("address"), "0x000000000000000000000000000000000000c0de");
  EXPECT_EQ(j.at("storage")
                .at("0x000000000000000000000000000000000000c0de")
                .at("0x0000000000000000000000000000000000000000000000000000000000000001"),
            "0x0000000000000000000000000000000000000000000000000000000000000007");
}

TEST(PvEvmExec, FailuresAreStatusesAndBadInputIsRefused) {
  TempDir tmp;
  {
    std::ofstream f(tmp / "revert.hex");
    f << "60015f5260205ffd\n";  // REVERT with 32 bytes of data
  }
  auto rev = run({pv_bin(), "evm", "exec", "--code-file", tmp / "revert.hex", "--json"});
  ASSERT_TRUE(rev.ok()) << rev.err;
  EXPECT_EQ(json::parse(rev.out).at("status"), "revert");
  auto oog = run({pv_bin(), "evm", "exec", "--code", "5b5f56", "--gas", "1000", "--json"});
  ASSERT_TRUE(oog.ok()) << oog.err;
  EXPECT_EQ(json::parse(oog.out).at("status"), "out-of-gas");
  EXPECT_EQ(json::parse(oog.out).at("gasUsed"), 1000);
  auto text = run({pv_bin(), "evm", "exec", "--code", "fe"});
  ASSERT_TRUE(text.ok()) << text.err;
  EXPECT_NE(text.out.find("status: invalid"), std::string::npos) << text.out;
  auto bad = run({pv_bin(), "evm", "exec", "--code", "zz"});
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.err.find("--code"), std::string::npos) << bad.err;
  auto none = run({pv_bin(), "evm", "exec"});
  EXPECT_FALSE(none.ok());
  auto help = run({pv_bin(), "evm", "exec", "--help"});
  EXPECT_TRUE(help.ok());
  EXPECT_NE(help.out.find("Example"), std::string::npos);
}

}  // namespace
}  // namespace pv::e2e
