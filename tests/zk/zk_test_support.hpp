#pragma once
// Shared by tests/zk: the published vectors (read at run time from ../shared/vectors beside the
// repository, or $PV_SHARED_VECTORS; never copied into the repository), hex helpers, and the
// draft's seeded test generator.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "zk/duplex_sponge.hpp"
#include "zk/p256.hpp"
#include "zk/scalar_source.hpp"

#ifndef PV_SOURCE_DIR
#error "PV_SOURCE_DIR must name the source tree (set in CMakeLists.txt)"
#endif

namespace pv::zk::testing {

inline std::filesystem::path shared_vectors_dir() {
  if (const char* env = std::getenv("PV_SHARED_VECTORS")) return env;
  return std::filesystem::path(PV_SOURCE_DIR).parent_path() / "shared" / "vectors";
}

// Fails the test (never skips) when the vectors are missing.
inline nlohmann::json load_vectors(const std::string& relative) {
  const auto path = shared_vectors_dir() / relative;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "missing published vectors: " << path;
  if (!in.good()) return nlohmann::json::array();
  return nlohmann::json::parse(in);
}

inline Bytes hex(const std::string& text) {
  auto b = from_hex(text);
  EXPECT_TRUE(b.is_ok()) << text;
  return b ? *b : Bytes{};
}

// The draft's seeded test generator (sigma-protocols appendix "Seeded PRNG"): a duplex sponge
// initialized with DeriveSessionID(tag), each scalar DecodeField(Squeeze(48)). For tests only.
class SeededScalars : public ScalarSource {
 public:
  explicit SeededScalars(std::string_view tag) : sponge_(derive_session_id(tag)) {}
  Scalar next() override { return sponge_.challenge(); }

 private:
  DuplexSponge sponge_;
};

}  // namespace pv::zk::testing
