#pragma once
// A linear combination of points, evaluated by one multi-scalar multiplication. Verifiers
// collect the terms of their equations here and check that the sum is the identity; terms on
// the base point G go to OpenSSL's fixed-base table and terms on H are merged into one.

#include <deque>
#include <utility>
#include <vector>

#include "zk/generators.hpp"
#include "zk/p256.hpp"

namespace pv::zk {

class MsmTerms {
 public:
  // Copies the point.
  void add(Scalar s, const Point& p) {
    owned_.push_back(p);
    scalars_.push_back(std::move(s));
    points_.push_back(&owned_.back());
  }
  // Keeps a reference. REQUIRES: p outlives evaluate() (the generators do).
  void add_ref(Scalar s, const Point& p) {
    scalars_.push_back(std::move(s));
    points_.push_back(&p);
  }
  void add_g(const Scalar& s) { g_ += s; }
  void add_h(const Scalar& s) { h_ += s; }
  std::size_t size() const { return points_.size() + 2; }

  // Consumes the terms.
  Point evaluate() && {
    if (!h_.is_zero()) add_ref(h_, generators().h);
    return multi_scalar_mul(g_, scalars_, std::span<const Point* const>(points_));
  }

 private:
  Scalar g_, h_;
  std::vector<Scalar> scalars_;
  std::vector<const Point*> points_;
  std::deque<Point> owned_;  // stable addresses
};

}  // namespace pv::zk
