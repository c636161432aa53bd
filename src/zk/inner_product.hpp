#pragma once
// The inner-product argument of Bulletproofs (docs/zk.md section 7), on a caller's transcript.
// Each round sends Enc(L) || Enc(R) and squeezes u. The rounds stop when the vectors have
// kInnerProductTail entries (or fewer from the start): the prover then sends a and b whole,
// which spares the verifier two point decodings and two MSM points per round left out.
// The vector generators enter scaled by per-index factors (the range proof's H'_i = y^-i·H_i)
// without the prover ever multiplying them out. Q = q·G, so its terms use G's fixed-base table.

#include <span>
#include <vector>

#include "zk/p256.hpp"
#include "zk/transcript.hpp"

namespace pv::zk {

// Length of the vectors sent in clear after the last round.
inline constexpr std::size_t kInnerProductTail = 4;
// min(n, kInnerProductTail) and the number of rounds for vectors of length n.
std::size_t inner_product_tail(std::size_t n);
std::size_t inner_product_rounds(std::size_t n);

// REQUIRES: all spans of the same power-of-two length n >= 1 (a, b, g, h, g_factors, h_factors).
void prove_inner_product(ProofWriter& out, const Scalar& q, std::span<const Point> g,
                         std::span<const Point> h, std::span<const Scalar> g_factors,
                         std::span<const Scalar> h_factors, std::vector<Scalar> a,
                         std::vector<Scalar> b);

// What the verifier reads: the rounds' points and challenges, the final scalars, and s_i.
struct InnerProductProof {
  std::vector<Point> l, r;
  std::vector<Scalar> u_squared, u_inv_squared;
  // Per block of `tail` indices: s_k = Π_r u_r^{±1} by the bits of k (s_{blocks-1-k} = 1/s_k).
  // Index i uses a[i % tail]·s[i / tail] for G_i and b[i % tail]/s[i / tail] for H_i.
  std::vector<Scalar> s;
  std::vector<Scalar> a, b;  // the final vectors, `tail` entries each
  std::size_t tail = 1;
};

// Reads inner_product_rounds(n) rounds and the final vectors. Refuses bad encodings and zero
// challenges. REQUIRES: n a power of two >= 1.
[[nodiscard]] Result<InnerProductProof> read_inner_product(ProofReader& in, std::size_t n);

}  // namespace pv::zk
