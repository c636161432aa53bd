// Zero-knowledge proofs (docs/zk.md): size, prove and verify time of the presentations the
// product needs, next to the group operations that bound them, measured in the same run on one
// core: one P-256 scalar multiplication, and one multi-scalar multiplication (OpenSSL
// EC_POINTs_mul) of the same size as each verifier's. Also one ristretto255 scalar
// multiplication (libsodium), the alternative group docs/zk.md compares against.
// Times are per-thread CPU time (one core), median of the runs; prove includes the prover's own
// checks, verify everything from the statement and the proof bytes.

#include <openssl/opensslv.h>
#include <sodium.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "zk/generators.hpp"
#include "zk/presentation.hpp"

using namespace pv;
using namespace pv::zk;

namespace {

double cpu_us() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

// Median CPU microseconds of `runs` calls.
double median_us(int runs, const std::function<void()>& f) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    const double t0 = cpu_us();
    f();
    t.push_back(cpu_us() - t0);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

double msm_us(std::size_t points, int runs) {
  std::vector<Scalar> s;
  std::vector<Point> p;
  for (std::size_t i = 0; i < points; ++i) {
    s.push_back(Scalar::random());
    p.push_back(Point::generator() * Scalar::random());
  }
  const Scalar g = Scalar::random();
  return median_us(runs, [&] { (void)multi_scalar_mul(g, s, p); });
}

std::string loadavg() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

struct Case {
  const char* name;
  std::vector<std::int64_t> values;
  std::vector<Claim> claims;
  std::size_t msm_points;  // points in the verifier's multi-scalar multiplication (+ G's table)
};

std::vector<std::int64_t> set_of(std::size_t n, std::int64_t member) {
  std::vector<std::int64_t> s;
  for (std::size_t i = 0; i + 1 < n; ++i) s.push_back(static_cast<std::int64_t>(100 + i));
  s.insert(s.begin() + static_cast<std::ptrdiff_t>(n / 2), member);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 25;
  if (sodium_init() < 0) return 1;
  (void)generators();                               // derive the generators before timing anything
  const std::int64_t birth = 7425, cutoff = 14219;  // 1990-05-01; born on or before 2008-12-06
  // MSM sizes: range 2N + 2·log2(N/4) + 4 (A, S, T1, T2) + m (V) + 1 (H); membership 4 + 2κ + κ
  // + 2.
  const std::vector<Case> cases = {
      {"over 18 (birth date, 32-bit range)", {birth}, {Claim::at_most(0, cutoff, 32)}, 64 + 6 + 6},
      {"64-bit range", {1234567890123}, {Claim::at_least(0, 0, 64)}, 128 + 8 + 6},
      {"membership, 16 values", {3}, {Claim::member(0, set_of(16, 3))}, 4 + 8 + 4 + 2},
      {"membership, 64 values", {3}, {Claim::member(0, set_of(64, 3))}, 4 + 12 + 6 + 2},
      {"over 18 AND membership (16 values)",
       {birth, 3},
       {Claim::at_most(0, cutoff, 32), Claim::member(1, set_of(16, 3))},
       76 + 18},
  };
  std::printf("== Zero-knowledge proofs, P-256 (OpenSSL %s), one core, median of %d; load: %s ==\n",
              OPENSSL_VERSION_STR, runs, loadavg().c_str());
  const Point base = Point::generator() * Scalar::random();
  const Scalar k = Scalar::random();
  const double mul = median_us(runs * 8, [&] { (void)(base * k); });
  const double gmul = median_us(runs * 8, [&] {
    (void)multi_scalar_mul(k, std::span<const Scalar>{}, std::span<const Point>{});
  });
  unsigned char rs[32], rp[32], rq[32];
  crypto_core_ristretto255_scalar_random(rs);
  crypto_scalarmult_ristretto255_base(rp, rs);
  const double rmul = median_us(runs * 8, [&] {
    if (crypto_scalarmult_ristretto255(rq, rs, rp) != 0) std::abort();
  });
  std::printf(
      "limit: P-256 scalar multiplication %.1f us, base-point (table) %.1f us; "
      "ristretto255 (libsodium) %.1f us\n",
      mul, gmul, rmul);
  std::printf("%-38s %7s %10s %10s   %s\n", "proof", "bytes", "prove ms", "verify ms",
              "same-size MSM ms (points)");
  OsScalars rng;
  for (const Case& c : cases) {
    Statement st{to_bytes("bench verifier nonce"), {}, c.claims};
    std::vector<Opening> openings;
    for (auto v : c.values) {
      openings.push_back({v, Scalar::random()});
      st.commitments.push_back(pedersen_commit(Scalar::from_i64(v), openings.back().blinding));
    }
    Bytes proof;
    const double prove = median_us(runs, [&] {
      auto p = prove_presentation(st, openings, rng);
      if (!p) std::abort();
      proof = std::move(*p);
    });
    const double verify = median_us(runs, [&] {
      if (!verify_presentation(st, proof).is_ok()) std::abort();
    });
    std::printf("%-38s %7zu %10.2f %10.2f   %.2f (%zu)\n", c.name, proof.size(), prove / 1e3,
                verify / 1e3, msm_us(c.msm_points, runs) / 1e3, c.msm_points);
  }
  std::printf("load at the end: %s\n", loadavg().c_str());
  return 0;
}
