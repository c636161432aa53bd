#pragma once
// Non-interactive sigma protocols for linear relations, draft-irtf-cfrg-sigma-protocols-03
// with the SHAKE128 duplex sponge of draft-irtf-cfrg-fiat-shamir-03, ciphersuite
// sigma-proofs_Shake128_P256 (docs/zk.md section 4).
//   batchable NARG string: Enc(commitment[0..e)) || Enc(response[0..s))
//   compact NARG string:   Enc(challenge) || Enc(response[0..s))
// challenge = DecodeField(Init(DeriveSessionID(tag)).Absorb(SerializeLinearRelation(instance)
//             || Enc(commitment)).Squeeze(48)). The tag names the flavor (DSFS / CMPT), the
// ciphersuite and the application; prover and verifier each build it themselves.

#include <span>

#include "base/bytes.hpp"
#include "zk/linear_relation.hpp"
#include "zk/scalar_source.hpp"

namespace pv::zk {

// Both provers refuse an invalid instance, a witness of the wrong length and a witness that does
// not satisfy the relation.
[[nodiscard]] Result<Bytes> sigma_prove_batchable(ByteView tag, const LinearRelation& instance,
                                                  std::span<const Scalar> witness,
                                                  ScalarSource& rng);
[[nodiscard]] Result<Bytes> sigma_prove_compact(ByteView tag, const LinearRelation& instance,
                                                std::span<const Scalar> witness, ScalarSource& rng);

// Ok only for a NARG string of exactly the right length, canonical encodings, a valid instance
// and an accepting transcript.
[[nodiscard]] Status sigma_verify_batchable(ByteView tag, const LinearRelation& instance,
                                            ByteView narg);
[[nodiscard]] Status sigma_verify_compact(ByteView tag, const LinearRelation& instance,
                                          ByteView narg);

// Batch verification of batchable NARG strings (the draft's section 4.6): one random linear
// combination of every equation of every proof, its 128-bit weights squeezed from
// Init(DeriveSessionID("irtf-cfrg-sigma-protocols/batch-verify")) after absorbing each proof's
// session id, instance and NARG string. Ok for an empty batch; refuses the whole batch if any
// proof fails, without saying which.
struct SigmaBatchItem {
  ByteView tag;
  const LinearRelation* instance;
  ByteView narg;
};
[[nodiscard]] Status sigma_verify_batchable_batch(std::span<const SigmaBatchItem> items);

}  // namespace pv::zk
