#pragma once
// Linear relations over P-256, the instances of draft-irtf-cfrg-sigma-protocols-03 section 2
// (docs/zk.md section 4): image = M · witness, M a sparse matrix of group elements given as
// equations of image terms (element, coefficient) and linear terms (scalar, element,
// coefficient). elements[0] is always the base point G.

#include <cstdint>
#include <span>
#include <vector>

#include "base/bytes.hpp"
#include "zk/p256.hpp"

namespace pv::zk {

struct ImageTerm {
  std::uint32_t element;
  Scalar coeff;
};

struct LinearTerm {
  std::uint32_t scalar;
  std::uint32_t element;
  Scalar coeff;
};

struct Equation {
  std::vector<ImageTerm> image;
  std::vector<LinearTerm> terms;
};

struct LinearRelation {
  std::vector<Point> elements;
  std::vector<Equation> equations;

  // 1 + the largest scalar index used (0 without terms).
  std::size_t num_scalars() const;
  // The draft's ValidateInstance: the ten checks of section 2.5 (indices in range, every element
  // and scalar used, elements[0] == G, no identity element, image or matrix column).
  [[nodiscard]] Status validate() const;
  // SerializeLinearRelation. REQUIRES: validate() passed.
  Bytes serialize() const;
  // Its inverse; refuses truncated or trailing bytes and invalid point encodings (validate()
  // still has to be called).
  [[nodiscard]] static Result<LinearRelation> deserialize(ByteView bytes);

  // The left-hand sides: Σ coeff·elements[element] over each equation's image terms.
  std::vector<Point> image() const;
  // M · scalars: Σ coeff·scalars[scalar]·elements[element] per equation.
  // REQUIRES: scalars.size() == num_scalars().
  std::vector<Point> map(std::span<const Scalar> scalars) const;
};

}  // namespace pv::zk
