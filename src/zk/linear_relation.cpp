#include "zk/linear_relation.hpp"

#include <algorithm>
#include <map>

#include "zk/msm_terms.hpp"

namespace pv::zk {

namespace {

void put_le32(Bytes& out, std::uint32_t v) {
  for (int k = 0; k < 4; ++k) out.push_back(static_cast<std::uint8_t>(v >> (8 * k)));
}

void put(Bytes& out, ByteView b) {
  out.insert(out.end(), b.begin(), b.end());
}

// Reads the fixed-width fields of SerializeLinearRelation from the front of `in`.
class Reader {
 public:
  explicit Reader(ByteView in) : in_(in) {}
  std::size_t left() const { return in_.size() - pos_; }
  Result<std::uint32_t> le32() {
    if (left() < 4) return make_error(Errc::malformed, "linear relation truncated");
    std::uint32_t v = 0;
    for (int k = 0; k < 4; ++k) v |= static_cast<std::uint32_t>(in_[pos_ + k]) << (8 * k);
    pos_ += 4;
    return v;
  }
  Result<Scalar> scalar() {
    if (left() < kScalarBytes) return make_error(Errc::malformed, "linear relation truncated");
    auto s = Scalar::decode(in_.subspan(pos_, kScalarBytes));
    pos_ += kScalarBytes;
    return s;
  }
  ByteView rest() const { return in_.subspan(pos_); }

 private:
  ByteView in_;
  std::size_t pos_ = 0;
};

Status invalid(const std::string& why) {
  return make_error(Errc::invalid_argument, why);
}

}  // namespace

std::size_t LinearRelation::num_scalars() const {
  std::size_t n = 0;
  for (const auto& eq : equations)
    for (const auto& t : eq.terms) n = std::max<std::size_t>(n, std::size_t{t.scalar} + 1);
  return n;
}

Status LinearRelation::validate() const {
  if (equations.empty()) return invalid("a linear relation needs at least one equation");
  if (elements.empty() || !(elements[0] == Point::generator()))
    return invalid("element 0 must be the group generator");
  const std::size_t ns = num_scalars();
  // Every scalar index must be used, so there are at most as many as terms; checked before
  // allocating, or an index of 2^32 - 1 would cost half a gigabyte.
  std::size_t term_count = 0;
  for (const auto& eq : equations) term_count += eq.terms.size();
  if (ns > term_count) return invalid("a scalar index is not used");
  std::vector<bool> element_used(elements.size(), false), scalar_used(ns, false);
  for (const auto& eq : equations) {
    if (eq.image.empty() || eq.terms.empty())
      return invalid("every equation needs image terms and linear terms");
    for (const auto& t : eq.image) {
      if (t.element >= elements.size()) return invalid("image term names a missing element");
      element_used[t.element] = true;
    }
    for (const auto& t : eq.terms) {
      if (t.element >= elements.size()) return invalid("linear term names a missing element");
      element_used[t.element] = true;
      scalar_used[t.scalar] = true;
    }
  }
  for (std::size_t i = 1; i < elements.size(); ++i)
    if (!element_used[i]) return invalid("element " + std::to_string(i) + " is not used");
  for (std::size_t j = 0; j < ns; ++j)
    if (!scalar_used[j]) return invalid("scalar " + std::to_string(j) + " is not used");
  for (const auto& e : elements)
    if (e.is_identity()) return invalid("an element is the identity");
  for (const auto& im : image())
    if (im.is_identity()) return invalid("an equation's image is the identity");
  // Check 10: every column of M is non-zero in at least one equation. One MSM per (equation,
  // scalar) pair that has terms, so the work stays linear in the number of terms.
  std::vector<bool> column_nonzero(ns, false);
  for (const auto& eq : equations) {
    std::map<std::uint32_t, MsmTerms> columns;
    for (const auto& t : eq.terms)
      if (!column_nonzero[t.scalar]) columns[t.scalar].add(t.coeff, elements[t.element]);
    for (auto& [j, column] : columns)
      if (!std::move(column).evaluate().is_identity()) column_nonzero[j] = true;
  }
  for (std::size_t j = 0; j < ns; ++j)
    if (!column_nonzero[j])
      return invalid("column " + std::to_string(j) + " of the matrix is the identity");
  return Status::ok();
}

Bytes LinearRelation::serialize() const {
  Bytes out;
  put_le32(out, static_cast<std::uint32_t>(equations.size()));
  for (const auto& eq : equations) {
    put_le32(out, static_cast<std::uint32_t>(eq.image.size()));
    for (const auto& t : eq.image) {
      put_le32(out, t.element);
      put(out, t.coeff.encode().view());
    }
    put_le32(out, static_cast<std::uint32_t>(eq.terms.size()));
    for (const auto& t : eq.terms) {
      put_le32(out, t.scalar);
      put_le32(out, t.element);
      put(out, t.coeff.encode().view());
    }
  }
  for (std::size_t i = 1; i < elements.size(); ++i) put(out, elements[i].encode().view());
  return out;
}

Result<LinearRelation> LinearRelation::deserialize(ByteView bytes) {
  Reader r(bytes);
  LinearRelation rel;
  auto neq = r.le32();
  if (!neq) return neq.error();
  // Each equation takes at least 8 bytes: bound counts by the input before allocating.
  if (*neq > r.left() / 8) return make_error(Errc::malformed, "equation count exceeds the input");
  for (std::uint32_t i = 0; i < *neq; ++i) {
    Equation eq;
    auto nimage = r.le32();
    if (!nimage) return nimage.error();
    if (*nimage > r.left() / 36)
      return make_error(Errc::malformed, "image count exceeds the input");
    for (std::uint32_t k = 0; k < *nimage; ++k) {
      auto e = r.le32();
      if (!e) return e.error();
      auto c = r.scalar();
      if (!c) return c.error();
      eq.image.push_back({*e, std::move(*c)});
    }
    auto nterms = r.le32();
    if (!nterms) return nterms.error();
    if (*nterms > r.left() / 40) return make_error(Errc::malformed, "term count exceeds the input");
    for (std::uint32_t k = 0; k < *nterms; ++k) {
      auto s = r.le32();
      if (!s) return s.error();
      auto e = r.le32();
      if (!e) return e.error();
      auto c = r.scalar();
      if (!c) return c.error();
      eq.terms.push_back({*s, *e, std::move(*c)});
    }
    rel.equations.push_back(std::move(eq));
  }
  const ByteView rest = r.rest();
  if (rest.size() % kPointBytes != 0)
    return make_error(Errc::malformed, "element bytes are not a whole number of points");
  rel.elements.push_back(Point::generator());
  for (std::size_t off = 0; off < rest.size(); off += kPointBytes) {
    auto p = Point::decode(rest.subspan(off, kPointBytes));
    if (!p) return p.error();
    rel.elements.push_back(std::move(*p));
  }
  return rel;
}

std::vector<Point> LinearRelation::image() const {
  std::vector<Point> out;
  for (const auto& eq : equations) {
    MsmTerms sum;
    for (const auto& t : eq.image) sum.add(t.coeff, elements[t.element]);
    out.push_back(std::move(sum).evaluate());
  }
  return out;
}

std::vector<Point> LinearRelation::map(std::span<const Scalar> scalars) const {
  std::vector<Point> out;
  for (const auto& eq : equations) {
    MsmTerms sum;
    for (const auto& t : eq.terms) sum.add(t.coeff * scalars[t.scalar], elements[t.element]);
    out.push_back(std::move(sum).evaluate());
  }
  return out;
}

}  // namespace pv::zk
