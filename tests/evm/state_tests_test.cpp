// The Ethereum consensus state tests for Cancun (../shared/vectors/ethereum-tests), one test
// per folder: every case's post-state root and logs hash must match. Prints the count passed
// and lists every skipped case with its reason.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "state_test_runner.hpp"

namespace pv::evm::test {
namespace {

std::filesystem::path vectors_dir() {
  if (const char* env = std::getenv("PV_VECTORS_DIR")) return env;
  return PV_VECTORS_DIR;
}

struct Totals {
  int passed = 0, failed = 0, skipped = 0;
};
Totals& totals() {
  static Totals t;
  return t;
}

class TotalsPrinter : public ::testing::Environment {
 public:
  void TearDown() override {
    const Totals& t = totals();
    if (t.passed + t.failed + t.skipped == 0) return;
    std::cout << "Cancun state tests: " << t.passed << " cases pass, " << t.failed << " fail, "
              << t.skipped << " skipped\n";
  }
};
const auto* const printer = ::testing::AddGlobalTestEnvironment(new TotalsPrinter);

class CancunStateTests : public ::testing::TestWithParam<const char*> {};

TEST_P(CancunStateTests, PostStateAndLogsMatch) {
  const auto dir = vectors_dir() / "ethereum-tests" / "GeneralStateTests" / GetParam();
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "no vectors at " << dir;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  StateTestReport report;
  for (const auto& f : files) run_state_test_file(f, report);
  totals().passed += report.passed;
  totals().failed += static_cast<int>(report.failures.size());
  totals().skipped += static_cast<int>(report.skipped.size());
  std::cout << GetParam() << ": " << report.passed << " cases pass, " << report.failures.size()
            << " fail, " << report.skipped.size() << " skipped (" << files.size() << " files)\n";
  for (const auto& s : report.skipped) std::cout << "  skipped " << s << "\n";
  const std::size_t shown = std::min<std::size_t>(report.failures.size(), 40);
  for (std::size_t i = 0; i < shown; ++i) ADD_FAILURE() << report.failures[i];
  EXPECT_TRUE(report.failures.empty()) << report.failures.size() << " cases fail";
}

// The folders of the README's table.
INSTANTIATE_TEST_SUITE_P(
    GeneralStateTests, CancunStateTests,
    ::testing::Values("VMTests/vmArithmeticTest", "VMTests/vmBitwiseLogicOperation",
                      "VMTests/vmIOandFlowOperations", "VMTests/vmLogTest",
                      "VMTests/vmPerformance", "VMTests/vmTests", "stMemoryTest", "stStaticCall",
                      "stSStoreTest", "stReturnDataTest", "stRevertTest", "stCallCodes",
                      "stStackTests", "stShift", "stSLoadTest", "stExample",
                      "stArgsZeroOneBalance", "stCodeCopyTest", "stLogTests",
                      "stMemExpandingEIP150Calls", "stSelfBalance", "stChainId",
                      "Cancun/stEIP1153-transientStorage", "Cancun/stEIP5656-MCOPY",
                      "Pyspecs/cancun/eip1153_tstore", "Pyspecs/cancun/eip5656_mcopy"),
    [](const ::testing::TestParamInfo<const char*>& info) {
      std::string name = info.param;
      for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      return name;
    });

}  // namespace
}  // namespace pv::evm::test
