// The CLI's progress line: what it shows for known and unknown totals, and that it stays quiet
// with --json, for small transfers and when stderr is not a terminal (as under ctest).

#include "cli/progress.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

namespace pv::cli {
namespace {

TEST(Progress, ShowsBytesPercentThroughputAndTimeLeft) {
  // 512 MiB of 1 GiB in 2 s: 268 MB/s, the other half takes 2 more seconds.
  std::string line = render_progress("upload", 512ull << 20, 1ull << 30, 2.0, 100);
  EXPECT_NE(line.find("upload ["), std::string::npos) << line;
  EXPECT_NE(line.find(" 50%"), std::string::npos) << line;
  EXPECT_NE(line.find("512.0 MiB / 1.0 GiB"), std::string::npos) << line;
  EXPECT_NE(line.find("268 MB/s"), std::string::npos) << line;
  EXPECT_NE(line.find("0:02 left"), std::string::npos) << line;
  EXPECT_LE(line.size(), 100u);
  EXPECT_EQ(std::count(line.begin(), line.end(), '#'), std::count(line.begin(), line.end(), '-'));
}

TEST(Progress, UnknownTotalShowsNoPercentageOrTimeLeft) {
  std::string line = render_progress("download", 3ull << 30, 0, 1.5);
  EXPECT_EQ(line.find('%'), std::string::npos) << line;
  EXPECT_EQ(line.find("left"), std::string::npos) << line;
  EXPECT_NE(line.find("3.0 GiB"), std::string::npos) << line;
  EXPECT_NE(line.find("2.15 GB/s"), std::string::npos) << line;
}

TEST(Progress, LongTransfersShowHours) {
  std::string line = render_progress("x", 1'000'000, 10'000'000'000ull, 1.0);
  EXPECT_NE(line.find("2:46:39 left"), std::string::npos) << line;
}

TEST(Progress, QuietWithJsonForSmallTransfersAndOffATerminal) {
  EXPECT_FALSE(ProgressBar("a", 1ull << 30, /*json=*/true).enabled());
  EXPECT_FALSE(ProgressBar("a", kProgressMinBytes - 1, false).enabled());
  // ctest runs tests with stderr on a pipe or file, never a terminal.
  if (!isatty(2)) {
    EXPECT_FALSE(ProgressBar("a", 1ull << 30, false).enabled());
  }
}

TEST(Progress, HumanBytes) {
  EXPECT_EQ(human_bytes(0), "0 B");
  EXPECT_EQ(human_bytes(1023), "1023 B");
  EXPECT_EQ(human_bytes(1536), "1.5 KiB");
  EXPECT_EQ(human_bytes(4ull << 30), "4.0 GiB");
}

}  // namespace
}  // namespace pv::cli
