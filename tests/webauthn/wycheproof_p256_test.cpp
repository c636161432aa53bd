// Wycheproof's ECDSA P-256 / SHA-256 vectors (C2SP/wycheproof, testvectors_v1), in both the
// IEEE P1363 (raw r ‖ s) and the DER forms: every vector's expected result must match. The
// vectors are read at run time from ../shared/vectors/wycheproof/testvectors_v1 (or the folder
// named by $PV_WYCHEPROOF_DIR); they are never copied into this repository. Without them the
// tests skip and say so.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "crypto/p256_ecdsa.hpp"

namespace pv {
namespace {

namespace fs = std::filesystem;

fs::path wycheproof_file(const char* name) {
  if (const char* dir = std::getenv("PV_WYCHEPROOF_DIR")) return fs::path(dir) / name;
  return fs::path(PV_VECTORS_DIR) / "wycheproof" / "testvectors_v1" / name;
}

Bytes hex(const std::string& text) {
  auto b = from_hex(text);
  return b ? *b : Bytes{};
}

struct Tally {
  int valid = 0, invalid = 0, high_s_valid = 0;
};

// Runs every test of one file; `to_raw` turns the vector's signature bytes into r ‖ s or fails.
template <class ToRaw>
Tally run_file(const char* name, ToRaw to_raw) {
  Tally tally;
  const fs::path path = wycheproof_file(name);
  std::ifstream in(path);
  if (!in) return tally;
  const auto doc = nlohmann::json::parse(in);
  for (const auto& group : doc.at("testGroups")) {
    auto key = P256PublicKey::from_sec1(hex(group.at("publicKey").at("uncompressed")));
    EXPECT_TRUE(key) << "group key does not decode";
    if (!key) continue;
    for (const auto& t : group.at("tests")) {
      const int id = t.at("tcId");
      const std::string result = t.at("result");
      const Bytes msg = hex(t.at("msg"));
      const Result<P256Signature> raw = to_raw(hex(t.at("sig")));
      const bool ok = raw && es256_verify(*key, msg, *raw);
      if (result == "valid") {
        EXPECT_TRUE(ok) << name << " tcId " << id << ": " << t.at("comment");
        ++tally.valid;
        if (raw && !p256_signature_is_low_s(*raw)) {
          ++tally.high_s_valid;
          // The canonical form signs the same message and is classified low.
          const P256Signature low = p256_signature_normalize_s(*raw);
          EXPECT_TRUE(p256_signature_is_low_s(low)) << "tcId " << id;
          EXPECT_TRUE(es256_verify(*key, msg, low)) << "tcId " << id;
        }
      } else if (result == "invalid") {
        EXPECT_FALSE(ok) << name << " tcId " << id << ": " << t.at("comment");
        ++tally.invalid;
      }
      // "acceptable" vectors may go either way (none in the P-256 SHA-256 files at the time of
      // writing).
    }
  }
  return tally;
}

TEST(P256Wycheproof, P1363VectorsMatch) {
  const char* name = "ecdsa_secp256r1_sha256_p1363_test.json";
  if (!fs::exists(wycheproof_file(name)))
    GTEST_SKIP() << "Wycheproof vectors not found at " << wycheproof_file(name);
  const Tally t = run_file(
      name, [](const Bytes& sig) -> Result<P256Signature> { return P256Signature::from(sig); });
  EXPECT_GT(t.valid, 100);
  EXPECT_GT(t.invalid, 50);
  // Wycheproof includes high-S signatures that are valid ECDSA (their "malleability" cases).
  EXPECT_GT(t.high_s_valid, 0);
}

TEST(P256Wycheproof, DerVectorsMatch) {
  const char* name = "ecdsa_secp256r1_sha256_test.json";
  if (!fs::exists(wycheproof_file(name)))
    GTEST_SKIP() << "Wycheproof vectors not found at " << wycheproof_file(name);
  const Tally t = run_file(name, [](const Bytes& sig) { return p256_signature_from_der(sig); });
  EXPECT_GT(t.valid, 100);
  EXPECT_GT(t.invalid, 200);  // most are BER or otherwise malformed encodings
  EXPECT_GT(t.high_s_valid, 0);
}

}  // namespace
}  // namespace pv
