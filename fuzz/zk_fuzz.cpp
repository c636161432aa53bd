// libFuzzer target for the zk level's decoders and its presentation verifier (docs/zk.md).
// The first byte says what the rest of the input is.
//
// Invariants checked:
//   0. A serialized linear relation: decoding never crashes; one that decodes and validates
//      serializes back to exactly the input (the encoding is canonical).
//   1. A point (33 bytes) and a scalar (32 bytes): what decodes encodes back to the same bytes.
//   2. An XOR mask over a valid proof of a fixed statement (bytes past the proof's end are
//      appended): the result verifies only when it is the valid proof itself.
//   3. A whole proof for the fixed statement: verifying never crashes, and only the valid proof
//      verifies.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "zk/duplex_sponge.hpp"
#include "zk/generators.hpp"
#include "zk/linear_relation.hpp"
#include "zk/presentation.hpp"

namespace {

using pv::Bytes;
using pv::ByteView;
using namespace pv::zk;

void check(bool ok) {
  if (!ok) std::abort();
}

// Deterministic prover randomness, so every run fuzzes around the same proof.
class FixedScalars : public ScalarSource {
 public:
  FixedScalars() : sponge_(derive_session_id(std::string_view("pv-zk-fuzz"))) {}
  Scalar next() override { return sponge_.challenge(); }

 private:
  DuplexSponge sponge_;
};

struct Fixture {
  Statement statement;
  Bytes proof;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture f;
    const std::vector<Opening> openings = {{7425, Scalar::from_u64(11)}, {3, Scalar::from_u64(12)}};
    f.statement.context = pv::to_bytes("zk fuzz");
    for (const auto& o : openings)
      f.statement.commitments.push_back(pedersen_commit(Scalar::from_i64(o.value), o.blinding));
    f.statement.claims = {Claim::at_most(0, 7500, 8), Claim::member(1, {2, 3}), Claim::equal(1, 3)};
    FixedScalars rng;
    auto proof = prove_presentation(f.statement, openings, rng);
    check(proof.is_ok());
    f.proof = *proof;
    check(verify_presentation(f.statement, f.proof).is_ok());
    return f;
  }();
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const ByteView in(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      auto rel = LinearRelation::deserialize(in);
      if (rel && rel->validate().is_ok()) check(rel->serialize() == Bytes(in.begin(), in.end()));
      break;
    }
    case 1: {
      if (in.size() < kPointBytes + kScalarBytes) break;
      const ByteView point = in.first(kPointBytes), scalar = in.subspan(kPointBytes, kScalarBytes);
      if (auto p = Point::decode(point)) {
        const PointBytes enc = p->encode();
        check(std::equal(point.begin(), point.end(), enc.bytes.begin()));
      }
      if (auto s = Scalar::decode(scalar)) {
        const ScalarBytes enc = s->encode();
        check(std::equal(scalar.begin(), scalar.end(), enc.bytes.begin()));
      }
      break;
    }
    case 2: {
      const Fixture& f = fixture();
      Bytes proof = f.proof;
      for (std::size_t i = 0; i < in.size(); ++i) {
        if (i < proof.size())
          proof[i] ^= in[i];
        else
          proof.push_back(in[i]);
      }
      if (verify_presentation(f.statement, proof).is_ok()) check(proof == f.proof);
      break;
    }
    default: {
      const Fixture& f = fixture();
      if (verify_presentation(f.statement, in).is_ok())
        check(Bytes(in.begin(), in.end()) == f.proof);
      break;
    }
  }
  return 0;
}
