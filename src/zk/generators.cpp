#include "zk/generators.hpp"

#include "zk/hash_to_curve.hpp"

namespace pv::zk {

namespace {

Point derive(std::string_view label, std::uint32_t index) {
  Bytes msg(label.begin(), label.end());
  for (int k = 0; k < 4; ++k) msg.push_back(static_cast<std::uint8_t>(index >> (8 * k)));
  return hash_to_curve_p256(msg, as_bytes(kGeneratorDst));
}

}  // namespace

const Generators& generators() {
  static const Generators gens = [] {
    Generators g;
    g.g = Point::generator();
    g.h = hash_to_curve_p256(as_bytes("pedersen-H"), as_bytes(kGeneratorDst));
    g.gv.reserve(kVectorGenerators);
    g.hv.reserve(kVectorGenerators);
    for (std::uint32_t i = 0; i < kVectorGenerators; ++i) {
      g.gv.push_back(derive("vector-G", i));
      g.hv.push_back(derive("vector-H", i));
      g.gv_plus_hv.push_back(g.gv.back() + g.hv.back());
      g.hv_prefix_sum.push_back(i == 0 ? g.hv.back() : g.hv_prefix_sum.back() + g.hv.back());
    }
    return g;
  }();
  return gens;
}

Point pedersen_commit(const Scalar& value, const Scalar& blinding) {
  const Scalar s[1] = {blinding};
  const Point p[1] = {generators().h};
  return multi_scalar_mul(value, s, p);
}

}  // namespace pv::zk
