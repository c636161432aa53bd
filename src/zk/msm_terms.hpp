#pragma once
// A linear combination of points, evaluated by one multi-scalar multiplication. Verifiers
// collect the terms of their equations here and check that the sum is the identity; terms on
// the base point G go to OpenSSL's fixed-base table and terms on H are merged into one.

#include <vector>

#include "zk/generators.hpp"
#include "zk/p256.hpp"

namespace pv::zk {

class MsmTerms {
 public:
  void add(const Scalar& s, const Point& p) {
    scalars_.push_back(s);
    points_.push_back(p);
  }
  void add_g(const Scalar& s) { g_ += s; }
  void add_h(const Scalar& s) { h_ += s; }
  std::size_t size() const { return points_.size() + 2; }

  Point evaluate() const {
    std::vector<Scalar> s = scalars_;
    std::vector<Point> p = points_;
    if (!h_.is_zero()) {
      s.push_back(h_);
      p.push_back(generators().h);
    }
    return multi_scalar_mul(g_, s, p);
  }

 private:
  Scalar g_, h_;
  std::vector<Scalar> scalars_;
  std::vector<Point> points_;
};

}  // namespace pv::zk
