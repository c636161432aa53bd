// `pv evm exec` as a real process: bytecode in, status, gas, output, logs and storage out.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "process.hpp"

namespace pv::e2e {
namespace {

using nlohmann::json;

TEST(PvEvmExec, RunsBytecodeAndPrintsWhatItDid) {
  // SSTORE(1, 7); LOG1(0, 0, 0xaa); MSTORE(0, 42); RETURN(0, 32)
  auto r = run({pv_bin(), "evm", "exec", "--code",
                "0x6007600155"
                "60aa5f5fa1"
                "602a5f52"
                "60205ff3",
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

TEST(PvEvmExec, BatchRunsLinesInOrderAndSequencesShareState) {
  TempDir tmp;
  {
    std::ofstream f(tmp / "batch.jsonl");
    // 1: MSTORE(0, 42) RETURN(0, 32). 2: not JSON. 3: two calls to a counter (SLOAD(0) + 1 ->
    // SSTORE(0)) that starts at 5: the second call sees the first one's write.
    f << R"({"code":"602a5f5260205ff3","gas":50000})"
      << "\n"
      << "not json\n"
      << R"({"contracts":[{"address":"0x000000000000000000000000000000000000c0d1",)"
      << R"("code":"5f5460010180", "storage":{"0x0":"0x5"}}],)"
      << R"("calls":[{"to":"0x000000000000000000000000000000000000c0d1","gas":100000},)"
      << R"({"to":"0x000000000000000000000000000000000000c0d1","gas":-1}]})"
      << "\n"
      << R"({"contracts":[{"address":"0x000000000000000000000000000000000000c0d1",)"
      << R"("code":"5f546001015f55","storage":{"0x0":"0x5"}}],)"
      << R"("calls":[{"to":"0x000000000000000000000000000000000000c0d1","gas":100000},)"
      << R"({"to":"0x000000000000000000000000000000000000c0d1","gas":100000}]})"
      << "\n";
  }
  auto r = run({pv_bin(), "evm", "exec", "--batch", tmp / "batch.jsonl"});
  EXPECT_FALSE(r.ok()) << "a bad line makes the exit code non-zero";
  std::vector<json> answers;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) answers.push_back(json::parse(line));
  ASSERT_EQ(answers.size(), 4u) << r.out;
  EXPECT_EQ(answers[0].at("output"),
            "0x000000000000000000000000000000000000000000000000000000000000002a");
  EXPECT_NE(answers[1].at("error").get<std::string>().find("line 2"), std::string::npos);
  EXPECT_NE(answers[2].at("error").get<std::string>().find("gas"), std::string::npos);
  const json& calls = answers[3].at("calls");
  ASSERT_EQ(calls.size(), 2u);
  const std::string slot0 = "0x0000000000000000000000000000000000000000000000000000000000000000";
  const std::string c0d1 = "0x000000000000000000000000000000000000c0d1";
  EXPECT_EQ(calls[0].at("storage").at(c0d1).at(slot0),
            "0x0000000000000000000000000000000000000000000000000000000000000006");
  EXPECT_EQ(calls[1].at("storage").at(c0d1).at(slot0),
            "0x0000000000000000000000000000000000000000000000000000000000000007");
  // The second call finds slot 0 written (warm set reset: cold again, 2100 + 2900 + ...).
  EXPECT_EQ(calls[0].at("gasUsed"), calls[1].at("gasUsed"));
}

}  // namespace
}  // namespace pv::e2e
