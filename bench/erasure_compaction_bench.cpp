// The cost of the compaction an erasure forces (issue 17, docs/erasure.md): on a stopped node's
// data directory (bench/run.sh erasure fills one with records first), LedgerStore::compact_state
// as the node's eraser calls it after each erasure (flush every column family, then compact the
// state to the bottommost level), timed `--runs` times. Next to it, the limit measured in the
// same run: writing the state's bytes to a file in the same directory and fsyncing it, which any
// rewrite of them must at least pay.
//
// Usage: pv_erasure_compaction_bench --data-dir DIR [--runs N] [--json]

#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "storage/ledger_store.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Seconds to write `bytes` of random data to a new file under `dir` and fsync it.
double sequential_write_seconds(const std::filesystem::path& dir, std::uint64_t bytes) {
  const auto path = dir / "pv-compaction-bench-limit.tmp";
  std::vector<char> chunk(1 << 20);
  std::mt19937_64 rng(17);
  for (auto& c : chunk) c = static_cast<char>(rng());
  const auto t0 = Clock::now();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return -1;
  for (std::uint64_t done = 0; done < bytes;) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), bytes - done));
    if (::write(fd, chunk.data(), n) != static_cast<ssize_t>(n)) {
      ::close(fd);
      return -1;
    }
    done += n;
  }
  ::fsync(fd);
  ::close(fd);
  const double s = seconds_since(t0);
  std::filesystem::remove(path);
  return s;
}

std::uint64_t sst_bytes(const std::filesystem::path& dir) {
  std::uint64_t total = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".sst") total += e.file_size();
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pv_erasure_compaction_bench - the state compaction an erasure forces, timed on a "
               "stopped node's data directory, next to a sequential write of the same bytes"};
  std::string data_dir;
  int runs = 3;
  bool json_out = false;
  app.add_option("--data-dir", data_dir, "a stopped node's data directory")->required();
  app.add_option("--runs", runs, "compactions timed (the first also pays any debt)");
  app.add_flag("--json", json_out, "print the figures as JSON");
  CLI11_PARSE(app, argc, argv);

  const std::filesystem::path ledger = std::filesystem::path(data_dir) / "ledger";
  auto store = pv::LedgerStore::open(ledger.string(), pv::LedgerStore::Mode::read_write);
  if (!store) {
    std::cerr << "error: " << store.error().message << "\n";
    return 1;
  }
  std::uint64_t entries = 0, records = 0, state_bytes = 0;
  pv::Status scanned = (*store)->for_each_state([&](std::string_view key, pv::ByteView value) {
    ++entries;
    if (key.starts_with("rec/")) ++records;  // ledger/consent_state: record_state_key
    state_bytes += key.size() + value.size();
    return true;
  });
  if (!scanned) {
    std::cerr << "error: " << scanned.error().message << "\n";
    return 1;
  }
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = Clock::now();
    if (pv::Status s = (*store)->compact_state(); !s) {
      std::cerr << "error: " << s.error().message << "\n";
      return 1;
    }
    times.push_back(seconds_since(t0));
  }
  const std::uint64_t sst = sst_bytes(ledger);
  const double limit = sequential_write_seconds(ledger, state_bytes);
  nlohmann::json figures = {{"stateEntries", entries},
                            {"recordEntries", records},
                            {"stateBytes", state_bytes},
                            {"ledgerSstBytes", sst},
                            {"compactionSeconds", times},
                            {"sequentialWriteOfStateBytesSeconds", limit}};
  if (json_out) {
    std::cout << figures.dump(2) << "\n";
    return 0;
  }
  std::printf("state: %llu entries (%llu records), %.1f MB of keys and values; ledger SSTs %.1f MB\n",
              static_cast<unsigned long long>(entries), static_cast<unsigned long long>(records),
              state_bytes / 1e6, sst / 1e6);
  for (std::size_t i = 0; i < times.size(); ++i)
    std::printf("compaction %zu (flush, then state to the bottommost level): %.3f s%s\n", i + 1,
                times[i], i == 0 ? " (pays any compaction debt too)" : "");
  std::printf("limit, same run: writing and fsyncing %.1f MB sequentially: %.3f s\n",
              state_bytes / 1e6, limit);
  return 0;
}
