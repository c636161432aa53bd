#include "zk/inner_product.hpp"

namespace pv::zk {

void prove_inner_product(ProofWriter& out, const Scalar& q, std::span<const Point> g_in,
                         std::span<const Point> h_in, std::span<const Scalar> g_factors,
                         std::span<const Scalar> h_factors, std::vector<Scalar> a,
                         std::vector<Scalar> b) {
  std::size_t n = a.size();
  std::vector<Point> g(g_in.begin(), g_in.end()), h(h_in.begin(), h_in.end());
  std::vector<Scalar> gf(g_factors.begin(), g_factors.end()),
      hf(h_factors.begin(), h_factors.end());
  std::vector<Scalar> sc;
  std::vector<Point> pt;
  while (n > kInnerProductTail) {
    const std::size_t m = n / 2;
    const Scalar c_l = inner_product(std::span(a).first(m), std::span(b).subspan(m, m));
    const Scalar c_r = inner_product(std::span(a).subspan(m, m), std::span(b).first(m));
    // L = <a_lo, G_hi> + <b_hi, H_lo> + c_L·Q;  R = <a_hi, G_lo> + <b_lo, H_hi> + c_R·Q.
    sc.clear();
    pt.clear();
    for (std::size_t i = 0; i < m; ++i) {
      sc.push_back(a[i] * gf[m + i]);
      pt.push_back(g[m + i]);
      sc.push_back(b[m + i] * hf[i]);
      pt.push_back(h[i]);
    }
    out.point(multi_scalar_mul(c_l * q, sc, pt));
    sc.clear();
    pt.clear();
    for (std::size_t i = 0; i < m; ++i) {
      sc.push_back(a[m + i] * gf[i]);
      pt.push_back(g[i]);
      sc.push_back(b[i] * hf[m + i]);
      pt.push_back(h[m + i]);
    }
    out.point(multi_scalar_mul(c_r * q, sc, pt));
    const Scalar u = out.challenge();
    const Scalar u_inv = u.inverse();  // u = 0 has probability 2^-256
    for (std::size_t i = 0; i < m; ++i) {
      a[i] = a[i] * u + a[m + i] * u_inv;
      b[i] = b[i] * u_inv + b[m + i] * u;
    }
    if (m > kInnerProductTail) {  // the last round's generators are never used
      // G'_i = u^-1·gf_i·G_i + u·gf_{m+i}·G_{m+i} is kept as the point G_i + ρ_i·G_{m+i} with
      // ρ_i = u²·gf_{m+i}/gf_i and the factor u^-1·gf_i (likewise for H with u and u^-1): one
      // scalar multiplication and one addition per point instead of a two-point MSM. All these
      // scalars are public (challenges and the public factors).
      std::vector<Scalar> gf_inv(gf.begin(), gf.begin() + static_cast<std::ptrdiff_t>(m));
      std::vector<Scalar> hf_inv(hf.begin(), hf.begin() + static_cast<std::ptrdiff_t>(m));
      batch_invert(gf_inv);
      batch_invert(hf_inv);
      const Scalar u_sq = u * u, u_inv_sq = u_inv * u_inv;
      for (std::size_t i = 0; i < m; ++i) {
        g[i] = g[i] + g[m + i] * (u_sq * gf[m + i] * gf_inv[i]);
        h[i] = h[i] + h[m + i] * (u_inv_sq * hf[m + i] * hf_inv[i]);
        gf[i] *= u_inv;
        hf[i] *= u;
      }
    }
    a.resize(m);
    b.resize(m);
    g.resize(m);
    h.resize(m);
    gf.resize(m);
    hf.resize(m);
    n = m;
  }
  for (std::size_t i = 0; i < n; ++i) out.scalar(a[i]);
  for (std::size_t i = 0; i < n; ++i) out.scalar(b[i]);
}

std::size_t inner_product_tail(std::size_t n) {
  return n < kInnerProductTail ? n : kInnerProductTail;
}

std::size_t inner_product_rounds(std::size_t n) {
  std::size_t rounds = 0;
  for (std::size_t m = n; m > kInnerProductTail; m /= 2) ++rounds;
  return rounds;
}

Result<InnerProductProof> read_inner_product(ProofReader& in, std::size_t n) {
  InnerProductProof p;
  std::vector<Scalar> u;
  for (std::size_t m = n; m > kInnerProductTail; m /= 2) {
    auto l = in.point();
    if (!l) return l.error();
    auto r = in.point();
    if (!r) return r.error();
    p.l.push_back(std::move(*l));
    p.r.push_back(std::move(*r));
    u.push_back(in.challenge());
    if (u.back().is_zero()) return make_error(Errc::bad_signature, "zero challenge");
  }
  std::vector<Scalar> u_inv = u;
  batch_invert(u_inv);
  for (std::size_t k = 0; k < u.size(); ++k) {
    p.u_squared.push_back(u[k] * u[k]);
    p.u_inv_squared.push_back(u_inv[k] * u_inv[k]);
  }
  const std::size_t tail = inner_product_tail(n);
  for (auto* v : {&p.a, &p.b}) {
    for (std::size_t i = 0; i < tail; ++i) {
      auto x = in.scalar();
      if (!x) return x.error();
      v->push_back(std::move(*x));
    }
  }
  // Index i = block·tail + j folds into the final slot j; its factor depends on the block only:
  // s_0 = Π u_k^-1; s_k = s_{k - 2^t}·u_{K-t}^2 with t the top bit of block k (round K - t
  // split it).
  const std::size_t rounds = u.size(), blocks = n / tail;
  Scalar s0 = Scalar::from_u64(1);
  for (const auto& v : u_inv) s0 *= v;
  p.s.assign(blocks, Scalar());
  p.s[0] = s0;
  for (std::size_t k = 1; k < blocks; ++k) {
    std::size_t t = 0;
    while ((std::size_t{2} << t) <= k) ++t;
    p.s[k] = p.s[k - (std::size_t{1} << t)];
    p.s[k] *= p.u_squared[rounds - 1 - t];
  }
  p.tail = tail;
  return p;
}

}  // namespace pv::zk
