#pragma once
// Set membership by a one-out-of-many proof (Groth-Kohlweiss 2015, Bootle et al. 2015), on a
// caller's transcript (docs/zk.md section 8): the value committed in C = v·G + r·H is one of the
// public values s_0..s_{N-1}, i.e. one of D_j = C - s_j·G is a commitment to 0 under H.
// The set is padded to 2^κ entries (κ >= 1) by repeating its last value.

#include <span>

#include "zk/msm_terms.hpp"
#include "zk/scalar_source.hpp"
#include "zk/transcript.hpp"

namespace pv::zk {

inline constexpr std::size_t kMaxSetSize = 64;

// Bytes of one proof for a set of `set_size` values: (4 + κ) points and (κ + 3) scalars.
// REQUIRES: 1 <= set_size <= kMaxSetSize.
std::size_t membership_proof_size(std::size_t set_size);

// Proves that C opens to (set[index], blinding). Does not check it: a wrong index or value gives
// a proof that does not verify (the attack tests rely on this; callers check).
// REQUIRES: 1 <= set.size() <= kMaxSetSize, index < set.size().
void prove_membership(ProofWriter& out, const Point& commitment, std::span<const Scalar> set,
                      std::size_t index, const Scalar& blinding, ScalarSource& rng);

// Reads one proof and adds its three equations, each times a fresh weight, to `check`.
// REQUIRES: 1 <= set.size() <= kMaxSetSize.
[[nodiscard]] Status read_membership_proof(ProofReader& in, const Point& commitment,
                                           std::span<const Scalar> set, VerifierWeights& weights,
                                           MsmTerms& check);

}  // namespace pv::zk
