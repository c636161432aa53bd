// The records-and-consent benchmark (bench/run.sh consent) at a tiny size, so that it cannot rot:
// against a real node, every anchor and consent must commit as valid, every read through the
// route must get the ledger's answer (permit or 403), decrypted records must equal their
// plaintext, and in-process every decision must match the expected one and every break-glass
// read be permitted on the emergency basis. The benchmarks check all of this themselves and exit
// non-zero otherwise; no timing is asserted.

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include "process.hpp"

namespace pv::e2e {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ConsentBenchE2e, TinyRunGetsEveryAnswerRight) {
  const fs::path bench_dir = fs::path(pv_bin()).parent_path() / "bench";
  const std::string http_bench = bench_dir / "pv_consent_http_bench";
  const std::string decision_bench = bench_dir / "pv_consent_decision_bench";
#ifdef PV_BENCH_BUILT
  ASSERT_TRUE(fs::exists(http_bench) && fs::exists(decision_bench))
      << "the benchmarks were configured (PV_BENCH=ON) but are missing from " << bench_dir;
#else
  if (!fs::exists(http_bench) || !fs::exists(decision_bench))
    GTEST_SKIP() << "benchmarks not built (PV_BENCH=OFF)";
#endif
  TempDir tmp;
  const std::vector<std::string> env = {"PV_NODE_PASSPHRASE=consent bench test passphrase",
                                        "HOME=" + tmp.path()};
  const int port = free_port();
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  Process node = Process::spawn(
      {pv_bin(), "node", "start", "--data-dir", tmp / "node", "--listen", url.substr(7)}, env);
  ASSERT_TRUE(wait_for_http_ok(port, "/healthz", 30s)) << node.err();

  auto http = run({http_bench, "--node", url, "--patients", "20", "--records", "300", "--batch",
                   "50", "--reads", "80", "--latency-reads", "10", "--out", tmp / "figures.json"},
                  env, 300s);
  ASSERT_TRUE(http.ok()) << http.out << "\n" << http.err;
  for (const char* line : {"record anchors committed     300 in", "consents granted             60",
                           "consented-read route", "consented read, end to end",
                           "... with the content", "limit: Ed25519 verify/s"})
    EXPECT_TRUE(has(http.out, line)) << "missing: " << line << "\n" << http.out;

  node.signal(SIGTERM);
  ASSERT_TRUE(node.wait(30s).exited);
  auto local = run({decision_bench, "--data-dir", tmp / "node", "--questions", tmp / "figures.json",
                    "--seconds", "0.2", "--reads", "10"},
                   env, 300s);
  ASSERT_TRUE(local.ok()) << local.out << "\n" << local.err;
  for (const char* line :
       {"access decisions, in-process", "access decisions through the consent contract on the EVM",
        "emergency (break-glass) read", "same path, consented read"})
    EXPECT_TRUE(has(local.out, line)) << "missing: " << line << "\n" << local.out;
}

// bench/run.sh evm's consent decisions at a tiny size: the ledger's contract on the EVM and the
// native rules must give every question the same answer in the same words (the benchmark exits
// 1 otherwise, and when the contract gives no decision).
TEST(ConsentBenchE2e, EvmDecisionBenchAgreesWithTheNativeRules) {
  const std::string bench = (fs::path(pv_bin()).parent_path() / "bench" / "pv_evm_decision_bench");
#ifdef PV_BENCH_BUILT
  ASSERT_TRUE(fs::exists(bench)) << "the benchmarks were configured (PV_BENCH=ON) but " << bench
                                 << " is missing";
#else
  if (!fs::exists(bench)) GTEST_SKIP() << "benchmarks not built (PV_BENCH=OFF)";
#endif
  auto r = run({bench, "--patients", "12", "--records", "2", "--seconds", "0.05"}, {}, 300s);
  ASSERT_TRUE(r.ok()) << r.out << "\n" << r.err;
  for (const char* line :
       {"EVM and native decisions differ on 0", "gas per EVM decision:", "native decisions/s:",
        "EVM decisions/s:", "EVM time per decision / native:"})
    EXPECT_TRUE(has(r.out, line)) << "missing: " << line << "\n" << r.out;
}

}  // namespace
}  // namespace pv::e2e
