#include "zk/range_proof.hpp"

#include "zk/generators.hpp"
#include "zk/inner_product.hpp"

namespace pv::zk {

namespace {

std::vector<Scalar> powers(const Scalar& x, std::size_t n) {
  std::vector<Scalar> out;
  out.reserve(n);
  Scalar p = Scalar::from_u64(1);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(p);
    p *= x;
  }
  return out;
}

}  // namespace

bool range_shape_supported(unsigned bits, std::size_t m) {
  return (bits == 8 || bits == 16 || bits == 32 || bits == 64) && (m == 1 || m == 2);
}

std::size_t range_proof_size(unsigned bits, std::size_t m) {
  const std::size_t n = bits * m;
  return (4 + 2 * inner_product_rounds(n)) * kPointBytes +
         (3 + 2 * inner_product_tail(n)) * kScalarBytes;
}

void prove_range(ProofWriter& out, unsigned bits, std::span<const Scalar> values,
                 std::span<const Scalar> blindings, ScalarSource& rng) {
  const Generators& gens = generators();
  const std::size_t m = values.size(), n = bits * m;
  const Scalar one = Scalar::from_u64(1), zero;
  // a_L: the bits of each value; a_R = a_L - 1.
  std::vector<Scalar> a_l(n), a_r(n), s_l(n), s_r(n);
  for (std::size_t i = 0; i < n; ++i) {
    a_l[i] = values[i / bits].bit(static_cast<int>(i % bits)) ? one : zero;
    a_r[i] = a_l[i] - one;
    s_l[i] = rng.next();
    s_r[i] = rng.next();
  }
  const Scalar alpha = rng.next(), rho = rng.next();
  std::vector<Scalar> sc;
  std::vector<Point> pt;
  auto commit_vectors = [&](const Scalar& blind, const std::vector<Scalar>& l,
                            const std::vector<Scalar>& r) {
    sc.assign(1, blind);
    pt.assign(1, gens.h);
    for (std::size_t i = 0; i < n; ++i) {
      sc.push_back(l[i]);
      pt.push_back(gens.gv[i]);
      sc.push_back(r[i]);
      pt.push_back(gens.hv[i]);
    }
    return multi_scalar_mul(zero, sc, pt);
  };
  {  // A = α·H + <a_L, G> + <a_L - 1, H> = α·H + Σ a_L,i·(G_i + H_i) - Σ H_i: n + 2 points.
    sc.assign(1, alpha);
    pt.assign(1, gens.h);
    for (std::size_t i = 0; i < n; ++i) {
      sc.push_back(a_l[i]);
      pt.push_back(gens.gv_plus_hv[i]);
    }
    sc.push_back(-one);
    pt.push_back(gens.hv_prefix_sum[n - 1]);
    out.point(multi_scalar_mul(zero, sc, pt));
  }
  out.point(commit_vectors(rho, s_l, s_r));  // S
  const Scalar y = out.challenge(), z = out.challenge();
  const auto y_pow = powers(y, n);
  const auto z_pow = powers(z, m + 3);
  const auto two_pow = powers(Scalar::from_u64(2), bits);
  // l(X) = l0 + l1·X, r(X) = r0 + r1·X.
  std::vector<Scalar> l0(n), r0(n), r1(n);
  for (std::size_t i = 0; i < n; ++i) {
    l0[i] = a_l[i] - z;
    r0[i] = y_pow[i] * (a_r[i] + z) + z_pow[2 + i / bits] * two_pow[i % bits];
    r1[i] = y_pow[i] * s_r[i];
  }
  const Scalar t1 = inner_product(l0, r1) + inner_product(s_l, r0);
  const Scalar t2 = inner_product(s_l, r1);
  const Scalar tau1 = rng.next(), tau2 = rng.next();
  const Scalar b_tau1[1] = {tau1}, b_tau2[1] = {tau2};
  const Point h1[1] = {gens.h};
  out.point(multi_scalar_mul(t1, b_tau1, h1));  // T1
  out.point(multi_scalar_mul(t2, b_tau2, h1));  // T2
  const Scalar x = out.challenge();
  std::vector<Scalar> l(n), r(n);
  for (std::size_t i = 0; i < n; ++i) {
    l[i] = l0[i] + s_l[i] * x;
    r[i] = r0[i] + r1[i] * x;
  }
  Scalar tau_x = tau2 * x * x + tau1 * x;
  for (std::size_t j = 0; j < m; ++j) tau_x += z_pow[2 + j] * blindings[j];
  out.scalar(inner_product(l, r));  // t̂
  out.scalar(tau_x);
  out.scalar(alpha + rho * x);  // μ
  const Scalar w = out.challenge();
  const Scalar y_inv = y.inverse();  // y = 0 has probability 2^-256
  const std::vector<Scalar> g_factors(n, one);
  const auto h_factors = powers(y_inv, n);
  prove_inner_product(out, w, std::span(gens.gv).first(n), std::span(gens.hv).first(n), g_factors,
                      h_factors, std::move(l), std::move(r));
}

Status read_range_proof(ProofReader& in, unsigned bits,
                        std::span<const ValueCommitment> commitments, VerifierWeights& weights,
                        MsmTerms& check) {
  const Generators& gens = generators();
  const std::size_t m = commitments.size(), n = bits * m;
  auto a_pt = in.point();
  if (!a_pt) return a_pt.error();
  auto s_pt = in.point();
  if (!s_pt) return s_pt.error();
  const Scalar y = in.challenge(), z = in.challenge();
  auto t1 = in.point();
  if (!t1) return t1.error();
  auto t2 = in.point();
  if (!t2) return t2.error();
  const Scalar x = in.challenge();
  auto t_hat = in.scalar();
  if (!t_hat) return t_hat.error();
  auto tau_x = in.scalar();
  if (!tau_x) return tau_x.error();
  auto mu = in.scalar();
  if (!mu) return mu.error();
  const Scalar w = in.challenge();
  auto ipa = read_inner_product(in, n);
  if (!ipa) return ipa.error();
  if (y.is_zero()) return make_error(Errc::bad_signature, "zero challenge");

  const auto z_pow = powers(z, m + 3);
  const Scalar e1 = weights.next(), e2 = weights.next();
  // Equation 1 (inner product): A + x·S - μ·H + Σ(-z - a·s_i)·G_i
  //   + Σ(z + y^-i·(z^{2+j}·2^{i mod b} - b·s_{n-1-i}))·H_i + Σ(u²·L + u^-2·R) + w(t̂ - ab)·G.
  check.add(e1, *a_pt);
  check.add(e1 * x, *s_pt);
  check.add_h(-(e1 * *mu));
  // Per index: G_i gets e1·(-z) - (e1·a)·s_i; H_i gets e1·z + w_i·(z^{2+j}·2^{i mod b} -
  // b·s_{n-1-i}) with w_i = e1·y^-i, both running products (a few scalar operations per index).
  const Scalar g_const = -(e1 * z), h_const = e1 * z;
  const std::size_t tail = ipa->tail, blocks = n / tail;
  std::vector<Scalar> e1_a(tail);
  for (std::size_t j = 0; j < tail; ++j) e1_a[j] = e1 * ipa->a[j];
  const Scalar y_inv = y.inverse();
  Scalar w_i = e1, zt;
  for (std::size_t i = 0; i < n; ++i) {
    if (i % bits == 0) zt = z_pow[2 + i / bits];  // z^{2+j}·2^0
    const std::size_t j = i % tail, block = i / tail;
    Scalar g_i = e1_a[j] * ipa->s[block];
    check.add_ref(g_const - g_i, gens.gv[i]);
    Scalar h_i = ipa->b[j] * ipa->s[blocks - 1 - block];
    h_i = zt - h_i;
    h_i *= w_i;
    h_i += h_const;
    check.add_ref(std::move(h_i), gens.hv[i]);
    w_i *= y_inv;
    zt += zt;
  }
  for (std::size_t k = 0; k < ipa->l.size(); ++k) {
    check.add(e1 * ipa->u_squared[k], ipa->l[k]);
    check.add(e1 * ipa->u_inv_squared[k], ipa->r[k]);
  }
  check.add_g(e1 * w * (*t_hat - inner_product(ipa->a, ipa->b)));
  // Equation 2 (polynomial): Σ z^{2+j}·V_j + (δ - t̂)·G + x·T1 + x²·T2 - τ_x·H, where
  // δ = (z - z²)·Σ y^i - Σ_j z^{3+j}·(2^bits - 1).
  Scalar sum_y, y_i = Scalar::from_u64(1);
  for (std::size_t i = 0; i < n; ++i) {
    sum_y += y_i;
    y_i *= y;
  }
  // Σ_{i<bits} 2^i = 2^bits - 1.
  const Scalar sum_two = (bits == 64 ? Scalar::from_u64(~std::uint64_t{0})
                                     : Scalar::from_u64((std::uint64_t{1} << bits) - 1));
  Scalar delta = (z - z_pow[2]) * sum_y;
  for (std::size_t j = 0; j < m; ++j) delta = delta - z_pow[3 + j] * sum_two;
  for (std::size_t j = 0; j < m; ++j) {
    const Scalar weight = e2 * z_pow[2 + j];
    check.add(weight * commitments[j].coeff, commitments[j].point);
    check.add_g(weight * commitments[j].g_offset);
  }
  check.add_g(e2 * (delta - *t_hat));
  check.add(e2 * x, *t1);
  check.add(e2 * x * x, *t2);
  check.add_h(-(e2 * *tau_x));
  return Status::ok();
}

}  // namespace pv::zk
