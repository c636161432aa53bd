#pragma once
// The public generators of the commitments and proofs (docs/zk.md section 2): G is the P-256
// base point; H and the vector generators G_i, H_i are RFC 9380 hash_to_curve outputs, so no one
// knows a discrete logarithm between any two of them.

#include <string_view>
#include <vector>

#include "zk/p256.hpp"

namespace pv::zk {

inline constexpr std::string_view kGeneratorDst =
    "PatientVault-ZK-V01-CS01-with-P256_XMD:SHA-256_SSWU_RO_";
// Vector generators available: 64-bit range proofs aggregated over two values.
inline constexpr std::size_t kVectorGenerators = 128;

struct Generators {
  Point g;                // the P-256 base point: the value generator
  Point h;                // hash_to_curve("pedersen-H"): the blinding generator
  std::vector<Point> gv;  // G_i = hash_to_curve("vector-G" || LE32(i))
  std::vector<Point> hv;  // H_i = hash_to_curve("vector-H" || LE32(i))
  // Derived, for the range prover's bit commitment: G_i + H_i, and Σ_{i<k} H_i at index k - 1.
  std::vector<Point> gv_plus_hv;
  std::vector<Point> hv_prefix_sum;
};

// Derived once on first use (about 260 hash_to_curve evaluations), then shared read-only.
const Generators& generators();

// The Pedersen commitment v·G + r·H.
Point pedersen_commit(const Scalar& value, const Scalar& blinding);

}  // namespace pv::zk
