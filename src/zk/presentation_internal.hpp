#pragma once
// Internal to src/zk and its tests: the presentation prover without its checks that the
// openings match and the claims are true. Tests use it to craft false proofs that bypass the
// honest prover (docs/zk.md, attack tests); nothing else may.

#include "zk/presentation.hpp"

namespace pv::zk {

// REQUIRES: statement.validate() passed, openings.size() == statement.commitments.size().
Bytes prove_presentation_unchecked(const Statement& statement, std::span<const Opening> openings,
                                   ScalarSource& rng);

}  // namespace pv::zk
