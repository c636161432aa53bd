#pragma once
// Bulletproofs range proofs (Bünz et al. 2018), aggregated over m values, on a caller's
// transcript (docs/zk.md section 7): for commitments V_j = u_j·G + γ_j·H, each u_j in [0, 2^bits).

#include <span>

#include "zk/msm_terms.hpp"
#include "zk/scalar_source.hpp"
#include "zk/transcript.hpp"

namespace pv::zk {

// Valid shapes: bits in {8, 16, 32, 64}, m in {1, 2}.
bool range_shape_supported(unsigned bits, std::size_t m);
// Bytes of one proof: (4 + 2·log2(bits·m)) points and 5 scalars.
std::size_t range_proof_size(unsigned bits, std::size_t m);

// Writes the proof. Takes the low `bits` bits of each value and does not check the rest: a value
// >= 2^bits yields a proof that does not verify (the attack tests rely on this; callers check).
// REQUIRES: range_shape_supported(bits, values.size()), blindings.size() == values.size().
void prove_range(ProofWriter& out, unsigned bits, std::span<const Scalar> values,
                 std::span<const Scalar> blindings, ScalarSource& rng);

// A value commitment as the verifier derives it from an attribute's commitment and a public
// bound, V = coeff·point + g_offset·G, never computed on its own: its terms join the one
// multi-scalar multiplication.
struct ValueCommitment {
  Point point;
  Scalar coeff = Scalar::from_u64(1);
  Scalar g_offset;
};

// Reads one proof for `commitments` and adds its two equations, each times a fresh weight, to
// `check` (which must sum to the identity). Refuses malformed input.
// REQUIRES: range_shape_supported(bits, commitments.size()).
[[nodiscard]] Status read_range_proof(ProofReader& in, unsigned bits,
                                      std::span<const ValueCommitment> commitments,
                                      VerifierWeights& weights, MsmTerms& check);

}  // namespace pv::zk
