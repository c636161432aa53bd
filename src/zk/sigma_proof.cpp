#include "zk/sigma_proof.hpp"

#include "zk/duplex_sponge.hpp"
#include "zk/msm_terms.hpp"

namespace pv::zk {

namespace {

Status refuse(const std::string& why) {
  return make_error(Errc::bad_signature, why);
}

Scalar derive_challenge(ByteView tag, const LinearRelation& instance, ByteView commitment_bytes) {
  DuplexSponge sponge(derive_session_id(tag));
  sponge.absorb(instance.serialize());
  sponge.absorb(commitment_bytes);
  return sponge.challenge();
}

struct Transcript {
  Bytes commitment_bytes;
  Scalar challenge;
  std::vector<Scalar> response;
};

Result<Transcript> prove(ByteView tag, const LinearRelation& instance,
                         std::span<const Scalar> witness, ScalarSource& rng) {
  PV_TRY(instance.validate());
  if (witness.size() != instance.num_scalars())
    return make_error(Errc::invalid_argument, "witness length does not match the relation");
  const auto image = instance.image();
  const auto mapped = instance.map(witness);
  for (std::size_t i = 0; i < image.size(); ++i)
    if (!(image[i] == mapped[i]))
      return make_error(Errc::invalid_argument, "the witness does not satisfy the relation");
  std::vector<Scalar> nonces;
  for (std::size_t j = 0; j < witness.size(); ++j) nonces.push_back(rng.next());
  Transcript t;
  for (const auto& c : instance.map(nonces)) {
    if (c.is_identity())  // probability ~2^-256 per equation; the encoding has no identity
      return make_error(Errc::internal, "commitment is the identity; retry with fresh randomness");
    const auto enc = c.encode();
    t.commitment_bytes.insert(t.commitment_bytes.end(), enc.bytes.begin(), enc.bytes.end());
  }
  t.challenge = derive_challenge(tag, instance, t.commitment_bytes);
  for (std::size_t j = 0; j < witness.size(); ++j)
    t.response.push_back(nonces[j] + witness[j] * t.challenge);
  return t;
}

void put_scalars(Bytes& out, std::span<const Scalar> scalars) {
  for (const auto& s : scalars) {
    const auto enc = s.encode();
    out.insert(out.end(), enc.bytes.begin(), enc.bytes.end());
  }
}

Result<std::vector<Scalar>> read_scalars(ByteView in, std::size_t count) {
  std::vector<Scalar> out;
  for (std::size_t j = 0; j < count; ++j) {
    auto s = Scalar::decode(in.subspan(j * kScalarBytes, kScalarBytes));
    if (!s) return s.error();
    out.push_back(std::move(*s));
  }
  return out;
}

}  // namespace

Result<Bytes> sigma_prove_batchable(ByteView tag, const LinearRelation& instance,
                                    std::span<const Scalar> witness, ScalarSource& rng) {
  auto t = prove(tag, instance, witness, rng);
  if (!t) return t.error();
  Bytes out = t->commitment_bytes;
  put_scalars(out, t->response);
  return out;
}

Result<Bytes> sigma_prove_compact(ByteView tag, const LinearRelation& instance,
                                  std::span<const Scalar> witness, ScalarSource& rng) {
  auto t = prove(tag, instance, witness, rng);
  if (!t) return t.error();
  Bytes out;
  put_scalars(out, std::span<const Scalar>(&t->challenge, 1));
  put_scalars(out, t->response);
  return out;
}

Status sigma_verify_batchable(ByteView tag, const LinearRelation& instance, ByteView narg) {
  PV_TRY(instance.validate());
  const std::size_t ne = instance.equations.size(), ns = instance.num_scalars();
  if (narg.size() != ne * kPointBytes + ns * kScalarBytes)
    return refuse("NARG string has the wrong length for this relation");
  std::vector<Point> commitment;
  for (std::size_t i = 0; i < ne; ++i) {
    auto p = Point::decode(narg.subspan(i * kPointBytes, kPointBytes));
    if (!p) return p.error();
    commitment.push_back(std::move(*p));
  }
  auto response = read_scalars(narg.subspan(ne * kPointBytes), ns);
  if (!response) return response.error();
  const Scalar c = derive_challenge(tag, instance, narg.first(ne * kPointBytes));
  // Per equation: commitment + c·image - Σ coeff·response·element == identity.
  for (std::size_t i = 0; i < ne; ++i) {
    const Equation& eq = instance.equations[i];
    MsmTerms check;
    check.add(Scalar::from_u64(1), commitment[i]);
    for (const auto& t : eq.image) check.add(c * t.coeff, instance.elements[t.element]);
    for (const auto& t : eq.terms)
      check.add(-(t.coeff * (*response)[t.scalar]), instance.elements[t.element]);
    if (!std::move(check).evaluate().is_identity())
      return refuse("equation " + std::to_string(i) + " does not hold");
  }
  return Status::ok();
}

Status sigma_verify_batchable_batch(std::span<const SigmaBatchItem> items) {
  struct Parsed {
    std::vector<Point> commitment;
    std::vector<Scalar> response;
    Scalar challenge;
  };
  std::vector<Parsed> parsed;
  DuplexSponge weights(
      derive_session_id(std::string_view("irtf-cfrg-sigma-protocols/batch-verify")));
  for (const auto& item : items) {
    const LinearRelation& instance = *item.instance;
    PV_TRY(instance.validate());
    const std::size_t ne = instance.equations.size(), ns = instance.num_scalars();
    if (item.narg.size() != ne * kPointBytes + ns * kScalarBytes)
      return refuse("NARG string has the wrong length for this relation");
    Parsed p;
    for (std::size_t i = 0; i < ne; ++i) {
      auto point = Point::decode(item.narg.subspan(i * kPointBytes, kPointBytes));
      if (!point) return point.error();
      p.commitment.push_back(std::move(*point));
    }
    auto response = read_scalars(item.narg.subspan(ne * kPointBytes), ns);
    if (!response) return response.error();
    p.response = std::move(*response);
    p.challenge = derive_challenge(item.tag, instance, item.narg.first(ne * kPointBytes));
    weights.absorb(derive_session_id(item.tag).view());
    weights.absorb(instance.serialize());
    weights.absorb(item.narg);
    parsed.push_back(std::move(p));
  }
  // Σ_ij r_ij·(commitment_ij + c_i·image_ij - map_ij(response_i)) == identity, in one MSM.
  MsmTerms check;
  for (std::size_t k = 0; k < items.size(); ++k) {
    const LinearRelation& instance = *items[k].instance;
    const Parsed& p = parsed[k];
    for (std::size_t i = 0; i < instance.equations.size(); ++i) {
      const Scalar r = Scalar::from_le_bytes_mod_order(weights.squeeze(16));
      const Equation& eq = instance.equations[i];
      check.add(r, p.commitment[i]);
      for (const auto& t : eq.image)
        check.add(r * p.challenge * t.coeff, instance.elements[t.element]);
      for (const auto& t : eq.terms)
        check.add(-(r * t.coeff * p.response[t.scalar]), instance.elements[t.element]);
    }
  }
  if (!std::move(check).evaluate().is_identity()) return refuse("the batch does not verify");
  return Status::ok();
}

Status sigma_verify_compact(ByteView tag, const LinearRelation& instance, ByteView narg) {
  PV_TRY(instance.validate());
  const std::size_t ns = instance.num_scalars();
  if (narg.size() != (ns + 1) * kScalarBytes)
    return refuse("NARG string has the wrong length for this relation");
  auto scalars = read_scalars(narg, ns + 1);
  if (!scalars) return scalars.error();
  const Scalar c = (*scalars)[0];
  const std::span<const Scalar> response(scalars->data() + 1, ns);
  // The simulator: commitment = map(response) - c·image.
  const auto mapped = instance.map(response);
  const auto image = instance.image();
  Bytes commitment_bytes;
  for (std::size_t i = 0; i < mapped.size(); ++i) {
    const Point commitment = mapped[i] - image[i] * c;
    if (commitment.is_identity()) return refuse("recomputed commitment is the identity");
    const auto enc = commitment.encode();
    commitment_bytes.insert(commitment_bytes.end(), enc.bytes.begin(), enc.bytes.end());
  }
  if (!(derive_challenge(tag, instance, commitment_bytes) == c))
    return refuse("challenge does not match");
  return Status::ok();
}

}  // namespace pv::zk
