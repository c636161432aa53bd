#include "zk/transcript.hpp"

namespace pv::zk {

void ProofWriter::point(const Point& p) {
  const auto enc = p.encode();
  sponge_.absorb(enc.view());
  out_.insert(out_.end(), enc.bytes.begin(), enc.bytes.end());
}

void ProofWriter::scalar(const Scalar& s) {
  const auto enc = s.encode();
  sponge_.absorb(enc.view());
  out_.insert(out_.end(), enc.bytes.begin(), enc.bytes.end());
}

Result<Point> ProofReader::point() {
  if (in_.size() - pos_ < kPointBytes) return make_error(Errc::malformed, "proof truncated");
  const ByteView bytes = in_.subspan(pos_, kPointBytes);
  auto p = Point::decode(bytes);
  if (!p) return p.error();
  sponge_.absorb(bytes);
  pos_ += kPointBytes;
  return p;
}

Result<Scalar> ProofReader::scalar() {
  if (in_.size() - pos_ < kScalarBytes) return make_error(Errc::malformed, "proof truncated");
  const ByteView bytes = in_.subspan(pos_, kScalarBytes);
  auto s = Scalar::decode(bytes);
  if (!s) return s.error();
  sponge_.absorb(bytes);
  pos_ += kScalarBytes;
  return s;
}

namespace {

const SessionId& weights_session_id() {
  static const SessionId sid =
      derive_session_id(std::string_view("PatientVault-ZK-V01-verifier-weights"));
  return sid;
}

}  // namespace

VerifierWeights::VerifierWeights(ByteView bound) : sponge_(weights_session_id()) {
  sponge_.absorb(bound);
}

Scalar VerifierWeights::next() {
  return Scalar::from_le_bytes_mod_order(sponge_.squeeze(16));
}

}  // namespace pv::zk
