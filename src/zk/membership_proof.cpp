#include "zk/membership_proof.hpp"

#include "zk/generators.hpp"

namespace pv::zk {

namespace {

// κ = max(1, ceil(log2(set_size))).
std::size_t kappa_for(std::size_t set_size) {
  std::size_t k = 1;
  while ((std::size_t{1} << k) < set_size) ++k;
  return k;
}

Scalar padded_value(std::span<const Scalar> set, std::size_t j) {
  return j < set.size() ? set[j] : set.back();
}

// Com(x; t) = Σ x_i·G_i + t·H over the first x.size() vector generators.
Point commit_vector(const std::vector<Scalar>& x, const Scalar& t) {
  const Generators& gens = generators();
  std::vector<Scalar> sc = x;
  std::vector<Point> pt(gens.gv.begin(), gens.gv.begin() + static_cast<std::ptrdiff_t>(x.size()));
  sc.push_back(t);
  pt.push_back(gens.h);
  return multi_scalar_mul(Scalar(), sc, pt);
}

}  // namespace

std::size_t membership_proof_size(std::size_t set_size) {
  const std::size_t k = kappa_for(set_size);
  return (4 + k) * kPointBytes + (k + 3) * kScalarBytes;
}

void prove_membership(ProofWriter& out, const Point& commitment, std::span<const Scalar> set,
                      std::size_t index, const Scalar& blinding, ScalarSource& rng) {
  const Generators& gens = generators();
  const std::size_t kappa = kappa_for(set.size()), size = std::size_t{1} << kappa;
  const Scalar one = Scalar::from_u64(1), zero;
  // δ and α, laid out as index 2k + i for bit k and value i.
  std::vector<Scalar> delta(2 * kappa), alpha(2 * kappa), c_vec(2 * kappa), d_vec(2 * kappa);
  for (std::size_t k = 0; k < kappa; ++k) {
    const bool bit = (index >> k) & 1;
    delta[2 * k + 1] = bit ? one : zero;
    delta[2 * k] = bit ? zero : one;
    alpha[2 * k + 1] = rng.next();
    alpha[2 * k] = -alpha[2 * k + 1];
  }
  for (std::size_t i = 0; i < 2 * kappa; ++i) {
    c_vec[i] = alpha[i] * (one - delta[i] - delta[i]);
    d_vec[i] = -(alpha[i] * alpha[i]);
  }
  const Scalar r_a = rng.next(), r_b = rng.next(), r_c = rng.next(), r_d = rng.next();
  out.point(commit_vector(alpha, r_a));  // A
  out.point(commit_vector(delta, r_b));  // B
  out.point(commit_vector(c_vec, r_c));  // C
  out.point(commit_vector(d_vec, r_d));  // D
  // p_j(X) = Π_k (δ_{k,j_k}·X + α_{k,j_k}); coefficient sums Σ_j p_{j,k} and Σ_j p_{j,k}·s_j.
  std::vector<Scalar> coeff_sum(kappa + 1), coeff_value_sum(kappa + 1);
  for (std::size_t j = 0; j < size; ++j) {
    std::vector<Scalar> p(1, one);
    for (std::size_t k = 0; k < kappa; ++k) {
      const std::size_t i = 2 * k + ((j >> k) & 1);
      std::vector<Scalar> next(p.size() + 1);
      for (std::size_t d = 0; d < p.size(); ++d) {
        next[d] += p[d] * alpha[i];
        next[d + 1] += p[d] * delta[i];
      }
      p = std::move(next);
    }
    const Scalar s = padded_value(set, j);
    for (std::size_t d = 0; d <= kappa; ++d) {
      coeff_sum[d] += p[d];
      coeff_value_sum[d] += p[d] * s;
    }
  }
  // Y_k = Σ_j p_{j,k}·(C - s_j·G) + ρ_k·H.
  std::vector<Scalar> rho(kappa);
  for (std::size_t k = 0; k < kappa; ++k) {
    rho[k] = rng.next();
    const Scalar sc[2] = {coeff_sum[k], rho[k]};
    const Point pt[2] = {commitment, gens.h};
    out.point(multi_scalar_mul(-coeff_value_sum[k], sc, pt));
  }
  const Scalar x = out.challenge();
  Scalar x_pow = one, z_rho;
  for (std::size_t k = 0; k < kappa; ++k) {
    out.scalar(delta[2 * k + 1] * x + alpha[2 * k + 1]);  // f_k
    z_rho += rho[k] * x_pow;
    x_pow *= x;
  }
  out.scalar(r_b * x + r_a);             // z_A
  out.scalar(r_c * x + r_d);             // z_C
  out.scalar(blinding * x_pow - z_rho);  // z (x_pow = x^κ here)
}

Status read_membership_proof(ProofReader& in, const Point& commitment, std::span<const Scalar> set,
                             VerifierWeights& weights, MsmTerms& check) {
  const Generators& gens = generators();
  const std::size_t kappa = kappa_for(set.size()), size = std::size_t{1} << kappa;
  Point abcd[4];
  for (auto& p : abcd) {
    auto r = in.point();
    if (!r) return r.error();
    p = std::move(*r);
  }
  std::vector<Point> y(kappa);
  for (auto& p : y) {
    auto r = in.point();
    if (!r) return r.error();
    p = std::move(*r);
  }
  const Scalar x = in.challenge();
  std::vector<Scalar> f(2 * kappa);
  for (std::size_t k = 0; k < kappa; ++k) {
    auto r = in.scalar();
    if (!r) return r.error();
    f[2 * k] = x - *r;
    f[2 * k + 1] = std::move(*r);
  }
  Scalar zs[3];
  for (auto& s : zs) {
    auto r = in.scalar();
    if (!r) return r.error();
    s = std::move(*r);
  }
  const Scalar e1 = weights.next(), e2 = weights.next(), e3 = weights.next();
  // 1: A + x·B - Com(f; z_A) = 0.   2: x·C + D - Com(f·(x - f); z_C) = 0.
  check.add(e1, abcd[0]);
  check.add(e1 * x, abcd[1]);
  check.add(e2 * x, abcd[2]);
  check.add(e2, abcd[3]);
  for (std::size_t i = 0; i < 2 * kappa; ++i)
    check.add_ref(-(e1 * f[i]) - e2 * f[i] * (x - f[i]), gens.gv[i]);
  check.add_h(-(e1 * zs[0]) - e2 * zs[1]);
  // 3: x^κ·C - (Σ_j p_j(x)·s_j)·G - Σ_k x^k·Y_k - z·H = 0, p_j(x) = Π_k f_{k,j_k}.
  Scalar weighted_values;
  for (std::size_t j = 0; j < size; ++j) {
    Scalar p = Scalar::from_u64(1);
    for (std::size_t k = 0; k < kappa; ++k) p *= f[2 * k + ((j >> k) & 1)];
    weighted_values += p * padded_value(set, j);
  }
  Scalar x_pow = Scalar::from_u64(1);
  for (std::size_t k = 0; k < kappa; ++k) {
    check.add(-(e3 * x_pow), y[k]);
    x_pow *= x;
  }
  check.add(e3 * x_pow, commitment);
  check.add_g(-(e3 * weighted_values));
  check.add_h(-(e3 * zs[2]));
  return Status::ok();
}

}  // namespace pv::zk
