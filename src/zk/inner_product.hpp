#pragma once
// The inner-product argument of Bulletproofs (docs/zk.md section 7), on a caller's transcript.
// Each round sends Enc(L) || Enc(R) and squeezes u; the last round is followed by Enc(a) || Enc(b).
// The vector generators enter scaled by per-index factors (the range proof's H'_i = y^-i·H_i)
// without the prover ever multiplying them out. Q = q·G, so its terms use G's fixed-base table.

#include <span>
#include <vector>

#include "zk/p256.hpp"
#include "zk/transcript.hpp"

namespace pv::zk {

// REQUIRES: all spans of the same power-of-two length n >= 1 (a, b, g, h, g_factors, h_factors).
void prove_inner_product(ProofWriter& out, const Scalar& q, std::span<const Point> g,
                         std::span<const Point> h, std::span<const Scalar> g_factors,
                         std::span<const Scalar> h_factors, std::vector<Scalar> a,
                         std::vector<Scalar> b);

// What the verifier reads: the rounds' points and challenges, the final scalars, and s_i.
struct InnerProductProof {
  std::vector<Point> l, r;
  std::vector<Scalar> u_squared, u_inv_squared;
  std::vector<Scalar> s;  // s_i = Π_k u_k^{±1} by the bits of i (s_{n-1-i} = 1/s_i)
  Scalar a, b;
};

// Reads log2(n) rounds and the final scalars. Refuses bad encodings and zero challenges.
// REQUIRES: n a power of two >= 1.
[[nodiscard]] Result<InnerProductProof> read_inner_product(ProofReader& in, std::size_t n);

}  // namespace pv::zk
