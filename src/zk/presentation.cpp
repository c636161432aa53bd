#include "zk/presentation.hpp"

#include "zk/generators.hpp"
#include "zk/membership_proof.hpp"
#include "zk/presentation_internal.hpp"
#include "zk/range_proof.hpp"
#include "zk/transcript.hpp"

namespace pv::zk {

namespace {

constexpr std::string_view kPresentationTag =
    "PatientVault-ZK-V01-presentation-DSFS-with-sigma-proofs_Shake128_P256";

const SessionId& presentation_sid() {
  static const SessionId sid = derive_session_id(kPresentationTag);
  return sid;
}

void put_le32(Bytes& out, std::uint32_t v) {
  for (int k = 0; k < 4; ++k) out.push_back(static_cast<std::uint8_t>(v >> (8 * k)));
}
void put(Bytes& out, ByteView b) {
  out.insert(out.end(), b.begin(), b.end());
}

bool is_range(ClaimKind k) {
  return k == ClaimKind::at_least || k == ClaimKind::at_most || k == ClaimKind::between;
}

// value - bound as an exact integer, and whether it lies in [0, 2^bits).
bool in_range(__int128 difference, std::uint32_t bits) {
  return difference >= 0 && difference < (static_cast<__int128>(1) << bits);
}

bool claim_holds(const Claim& c, std::int64_t v) {
  switch (c.kind) {
    case ClaimKind::equal:
      return v == c.lo;
    case ClaimKind::at_least:
      return in_range(static_cast<__int128>(v) - c.lo, c.bits);
    case ClaimKind::at_most:
      return in_range(static_cast<__int128>(c.hi) - v, c.bits);
    case ClaimKind::between:
      return in_range(static_cast<__int128>(v) - c.lo, c.bits) &&
             in_range(static_cast<__int128>(c.hi) - v, c.bits);
    case ClaimKind::member:
      for (auto s : c.set)
        if (s == v) return true;
      return false;
  }
  return false;
}

std::vector<Scalar> set_scalars(const Claim& c) {
  std::vector<Scalar> out;
  for (auto s : c.set) out.push_back(Scalar::from_i64(s));
  return out;
}

// The range proof's commitments V_j, as the attribute's commitment and the bounds determine them:
// C - lo·G for "at least", hi·G - C for "at most".
std::vector<ValueCommitment> range_commitments(const Claim& c, const Point& commitment) {
  std::vector<ValueCommitment> v;
  if (c.kind != ClaimKind::at_most)
    v.push_back({commitment, Scalar::from_u64(1), -Scalar::from_i64(c.lo)});
  if (c.kind != ClaimKind::at_least)
    v.push_back({commitment, -Scalar::from_u64(1), Scalar::from_i64(c.hi)});
  return v;
}

}  // namespace

Claim Claim::equal(std::uint32_t attribute, std::int64_t value) {
  return Claim{ClaimKind::equal, attribute, value, 0, 0, {}};
}
Claim Claim::at_least(std::uint32_t attribute, std::int64_t lo, std::uint32_t bits) {
  return Claim{ClaimKind::at_least, attribute, lo, 0, bits, {}};
}
Claim Claim::at_most(std::uint32_t attribute, std::int64_t hi, std::uint32_t bits) {
  return Claim{ClaimKind::at_most, attribute, 0, hi, bits, {}};
}
Claim Claim::between(std::uint32_t attribute, std::int64_t lo, std::int64_t hi,
                     std::uint32_t bits) {
  return Claim{ClaimKind::between, attribute, lo, hi, bits, {}};
}
Claim Claim::member(std::uint32_t attribute, std::vector<std::int64_t> set) {
  return Claim{ClaimKind::member, attribute, 0, 0, 0, std::move(set)};
}

Status Statement::validate() const {
  auto bad = [](const std::string& why) { return Status(make_error(Errc::invalid_argument, why)); };
  if (context.size() > kMaxContextBytes) return bad("context too long");
  if (commitments.empty() || commitments.size() > kMaxCommitments)
    return bad("a statement has 1 to 64 commitments");
  for (const auto& c : commitments)
    if (c.is_identity()) return bad("a commitment is the identity");
  if (claims.empty() || claims.size() > kMaxClaims) return bad("a statement has 1 to 16 claims");
  for (const auto& c : claims) {
    if (c.attribute >= commitments.size()) return bad("a claim names a missing attribute");
    if (is_range(c.kind)) {
      if (!range_shape_supported(c.bits, 1)) return bad("bit width must be 8, 16, 32 or 64");
      if (c.kind == ClaimKind::between && c.lo > c.hi) return bad("between needs lo <= hi");
    } else if (c.bits != 0) {
      return bad("bit width given for a claim that has none");
    }
    if (c.kind == ClaimKind::member) {
      if (c.set.empty() || c.set.size() > kMaxSetSize) return bad("a set has 1 to 64 values");
    } else if (!c.set.empty()) {
      return bad("set given for a claim that has none");
    }
    if (c.kind < ClaimKind::equal || c.kind > ClaimKind::member) return bad("unknown claim kind");
  }
  return Status::ok();
}

Bytes Statement::encode_instance() const {
  Bytes out;
  put_le32(out, static_cast<std::uint32_t>(context.size()));
  put(out, context);
  put_le32(out, static_cast<std::uint32_t>(commitments.size()));
  for (const auto& c : commitments) put(out, c.encode().view());
  put_le32(out, static_cast<std::uint32_t>(claims.size()));
  for (const auto& c : claims) {
    out.push_back(static_cast<std::uint8_t>(c.kind));
    put_le32(out, c.attribute);
    switch (c.kind) {
      case ClaimKind::equal:
        put(out, Scalar::from_i64(c.lo).encode().view());
        break;
      case ClaimKind::at_least:
        put_le32(out, c.bits);
        put(out, Scalar::from_i64(c.lo).encode().view());
        break;
      case ClaimKind::at_most:
        put_le32(out, c.bits);
        put(out, Scalar::from_i64(c.hi).encode().view());
        break;
      case ClaimKind::between:
        put_le32(out, c.bits);
        put(out, Scalar::from_i64(c.lo).encode().view());
        put(out, Scalar::from_i64(c.hi).encode().view());
        break;
      case ClaimKind::member:
        put_le32(out, static_cast<std::uint32_t>(c.set.size()));
        for (auto s : c.set) put(out, Scalar::from_i64(s).encode().view());
        break;
    }
  }
  return out;
}

std::size_t Statement::proof_size() const {
  std::size_t total = 0;
  for (const auto& c : claims) {
    switch (c.kind) {
      case ClaimKind::equal:
        total += kPointBytes + kScalarBytes;
        break;
      case ClaimKind::at_least:
      case ClaimKind::at_most:
        total += range_proof_size(c.bits, 1);
        break;
      case ClaimKind::between:
        total += range_proof_size(c.bits, 2);
        break;
      case ClaimKind::member:
        total += membership_proof_size(c.set.size());
        break;
    }
  }
  return total;
}

Bytes prove_presentation_unchecked(const Statement& statement, std::span<const Opening> openings,
                                   ScalarSource& rng) {
  const Generators& gens = generators();
  DuplexSponge sponge(presentation_sid());
  sponge.absorb(statement.encode_instance());
  ProofWriter out(sponge);
  for (const auto& c : statement.claims) {
    const Opening& o = openings[c.attribute];
    const Scalar v = Scalar::from_i64(o.value);
    switch (c.kind) {
      case ClaimKind::equal: {  // K = k·H; s = k + c·r
        const Scalar k = rng.next();
        out.point(gens.h * k);
        const Scalar ch = out.challenge();
        out.scalar(k + ch * o.blinding);
        break;
      }
      case ClaimKind::at_least:
        prove_range(out, c.bits, std::vector<Scalar>{v - Scalar::from_i64(c.lo)},
                    std::vector<Scalar>{o.blinding}, rng);
        break;
      case ClaimKind::at_most:
        prove_range(out, c.bits, std::vector<Scalar>{Scalar::from_i64(c.hi) - v},
                    std::vector<Scalar>{-o.blinding}, rng);
        break;
      case ClaimKind::between:
        prove_range(out, c.bits,
                    std::vector<Scalar>{v - Scalar::from_i64(c.lo), Scalar::from_i64(c.hi) - v},
                    std::vector<Scalar>{o.blinding, -o.blinding}, rng);
        break;
      case ClaimKind::member: {
        std::size_t index = 0;
        while (index + 1 < c.set.size() && c.set[index] != o.value) ++index;
        prove_membership(out, statement.commitments[c.attribute], set_scalars(c), index, o.blinding,
                         rng);
        break;
      }
    }
  }
  return out.take();
}

Result<Bytes> prove_presentation(const Statement& statement, std::span<const Opening> openings,
                                 ScalarSource& rng) {
  PV_TRY(statement.validate());
  if (openings.size() != statement.commitments.size())
    return make_error(Errc::invalid_argument, "one opening per commitment is needed");
  for (std::size_t i = 0; i < openings.size(); ++i)
    if (!(pedersen_commit(Scalar::from_i64(openings[i].value), openings[i].blinding) ==
          statement.commitments[i]))
      return make_error(Errc::invalid_argument,
                        "opening " + std::to_string(i) + " does not match its commitment");
  for (std::size_t i = 0; i < statement.claims.size(); ++i)
    if (!claim_holds(statement.claims[i], openings[statement.claims[i].attribute].value))
      return make_error(Errc::invalid_argument,
                        "claim " + std::to_string(i) + " is false for the committed value");
  return prove_presentation_unchecked(statement, openings, rng);
}

Status verify_presentation(const Statement& statement, ByteView proof) {
  PV_TRY(statement.validate());
  if (proof.size() != statement.proof_size())
    return make_error(Errc::malformed, "proof has the wrong length for this statement");
  const Bytes instance = statement.encode_instance();
  DuplexSponge sponge(presentation_sid());
  sponge.absorb(instance);
  Bytes bound(presentation_sid().bytes.begin(), presentation_sid().bytes.end());
  put(bound, instance);
  put(bound, proof);
  VerifierWeights weights(bound);
  ProofReader in(sponge, proof);
  MsmTerms check;
  for (const auto& c : statement.claims) {
    const Point& commitment = statement.commitments[c.attribute];
    switch (c.kind) {
      case ClaimKind::equal: {  // e·(s·H - K - c·C + c·v·G) = 0
        auto k = in.point();
        if (!k) return k.error();
        const Scalar ch = in.challenge();
        auto s = in.scalar();
        if (!s) return s.error();
        const Scalar e = weights.next();
        check.add_h(e * *s);
        check.add(-e, *k);
        check.add(-(e * ch), commitment);
        check.add_g(e * ch * Scalar::from_i64(c.lo));
        break;
      }
      case ClaimKind::at_least:
      case ClaimKind::at_most:
      case ClaimKind::between:
        PV_TRY(read_range_proof(in, c.bits, range_commitments(c, commitment), weights, check));
        break;
      case ClaimKind::member:
        PV_TRY(read_membership_proof(in, commitment, set_scalars(c), weights, check));
        break;
    }
  }
  if (!in.at_end()) return make_error(Errc::malformed, "trailing bytes after the proof");
  if (!std::move(check).evaluate().is_identity())
    return make_error(Errc::bad_signature, "the proof does not verify");
  return Status::ok();
}

}  // namespace pv::zk
