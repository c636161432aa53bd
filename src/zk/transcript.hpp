#pragma once
// The prover's and verifier's views of one Fiat-Shamir transcript (docs/zk.md sections 3, 5):
// every prover message is absorbed as exactly the bytes it has in the proof, and verifier
// challenges are squeezed from the same duplex sponge. The verifier's batching weights come from
// a second sponge that has absorbed the whole proof first (never from the proof's sponge).

#include "zk/duplex_sponge.hpp"
#include "zk/p256.hpp"

namespace pv::zk {

class ProofWriter {
 public:
  explicit ProofWriter(DuplexSponge& sponge) : sponge_(sponge) {}
  // REQUIRES: !p.is_identity() (the provers re-draw randomness before that can happen).
  void point(const Point& p);
  void scalar(const Scalar& s);
  Scalar challenge() { return sponge_.challenge(); }
  const Bytes& bytes() const { return out_; }
  Bytes take() { return std::move(out_); }

 private:
  DuplexSponge& sponge_;
  Bytes out_;
};

class ProofReader {
 public:
  ProofReader(DuplexSponge& sponge, ByteView proof) : sponge_(sponge), in_(proof) {}
  // Canonical decoding; refuses truncation, the identity and points off the curve.
  [[nodiscard]] Result<Point> point();
  // Canonical decoding; refuses truncation and scalars >= n.
  [[nodiscard]] Result<Scalar> scalar();
  Scalar challenge() { return sponge_.challenge(); }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  DuplexSponge& sponge_;
  ByteView in_;
  std::size_t pos_ = 0;
};

// 128-bit weights for combining verification equations into one multi-scalar multiplication:
// LE2IP(Squeeze(16)) of Init(DeriveSessionID("PatientVault-ZK-V01-verifier-weights"))
// .Absorb(everything the weights must depend on).
class VerifierWeights {
 public:
  explicit VerifierWeights(ByteView bound);
  Scalar next();

 private:
  DuplexSponge sponge_;
};

}  // namespace pv::zk
