#pragma once
// A presentation: one zero-knowledge proof of a conjunction of claims about committed attributes
// (docs/zk.md section 5). The statement is public: a context (opaque here; the ledger phase binds
// attestation id, verifier, nonce and patient key into it), the commitments C_i = v_i·G + r_i·H,
// and the claims. The proof's length is fixed by the statement.

#include <cstdint>
#include <span>
#include <vector>

#include "base/bytes.hpp"
#include "zk/p256.hpp"
#include "zk/scalar_source.hpp"

namespace pv::zk {

inline constexpr std::size_t kMaxClaims = 16;
inline constexpr std::size_t kMaxCommitments = 64;
inline constexpr std::size_t kMaxContextBytes = 4096;

enum class ClaimKind : std::uint8_t {
  equal = 1,     // value = lo
  at_least = 2,  // value - lo in [0, 2^bits)
  at_most = 3,   // hi - value in [0, 2^bits)
  between = 4,   // both
  member = 5,    // value in set (1..64 values)
};

struct Claim {
  ClaimKind kind;
  std::uint32_t attribute;  // index into the statement's commitments
  std::int64_t lo = 0;
  std::int64_t hi = 0;
  std::uint32_t bits = 0;  // 8, 16, 32 or 64 for the range kinds, 0 otherwise
  std::vector<std::int64_t> set;

  static Claim equal(std::uint32_t attribute, std::int64_t value);
  static Claim at_least(std::uint32_t attribute, std::int64_t lo, std::uint32_t bits);
  static Claim at_most(std::uint32_t attribute, std::int64_t hi, std::uint32_t bits);
  static Claim between(std::uint32_t attribute, std::int64_t lo, std::int64_t hi,
                       std::uint32_t bits);
  static Claim member(std::uint32_t attribute, std::vector<std::int64_t> set);
};

struct Statement {
  Bytes context;
  std::vector<Point> commitments;
  std::vector<Claim> claims;

  // Shape rules: 1..16 claims, 1..64 commitments, context <= 4096 bytes, attribute indices in
  // range, supported bit widths, 1..64 set values, lo <= hi for between.
  [[nodiscard]] Status validate() const;
  // The instance absorbed first by the transcript (docs/zk.md section 5).
  Bytes encode_instance() const;
  // The exact proof length. REQUIRES: validate() passed.
  std::size_t proof_size() const;
};

// An attribute's opening: C = value·G + blinding·H.
struct Opening {
  std::int64_t value;
  Scalar blinding;
};

// Proves the statement. Refuses (Errc::invalid_argument) an invalid statement, openings that do
// not match the commitments, and claims that are false for the opened values.
[[nodiscard]] Result<Bytes> prove_presentation(const Statement& statement,
                                               std::span<const Opening> openings,
                                               ScalarSource& rng);

// Ok only if `proof` is a valid proof of exactly this statement (Errc::bad_signature otherwise,
// or malformed / non_canonical for undecodable bytes).
[[nodiscard]] Status verify_presentation(const Statement& statement, ByteView proof);

}  // namespace pv::zk
