#pragma once
// Where provers take their random scalars from. Production code uses OsScalars (48 bytes of
// OS randomness reduced mod n, docs/zk.md section 1); tests inject the seeded generator of the
// sigma-protocols draft to regenerate its vectors byte for byte.

#include "zk/p256.hpp"

namespace pv::zk {

class ScalarSource {
 public:
  virtual ~ScalarSource() = default;
  virtual Scalar next() = 0;
};

class OsScalars : public ScalarSource {
 public:
  Scalar next() override { return Scalar::random(); }
};

}  // namespace pv::zk
