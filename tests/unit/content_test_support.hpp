#pragma once
// Shared helpers for the content tests: deterministic test data and a sink that keeps blocks.

#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "content/block_sink.hpp"
#include "content/block_store.hpp"

namespace pv::content::test {

// Deterministic pseudo-random bytes (splitmix64), so failures replay exactly.
inline Bytes pseudo_random_bytes(std::size_t size, std::uint64_t seed) {
  Bytes out(size);
  std::uint64_t state = seed;
  for (std::size_t i = 0; i < size; i += 8) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    for (std::size_t j = 0; j < 8 && i + j < size; ++j)
      out[i + j] = static_cast<std::uint8_t>(z >> (8 * j));
  }
  return out;
}

// A directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("pv-content-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Keeps every block put, in order, and the distinct ones by CID.
class RecordingSink final : public BlockSink {
 public:
  Status put(const Cid& cid, ByteView bytes) override {
    order.push_back(cid);
    blocks.emplace(cid, Bytes(bytes.begin(), bytes.end()));
    return Status::ok();
  }
  std::vector<Cid> order;
  std::map<Cid, Bytes> blocks;
};

}  // namespace pv::content::test
