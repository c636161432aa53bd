#pragma once
// Where produced blocks go: a blockstore, a CAR writer, or a test's vector.

#include "base/bytes.hpp"
#include "content/cid.hpp"

namespace pv::content {

class BlockSink {
 public:
  virtual ~BlockSink() = default;
  // Takes one block. `bytes` is only valid during the call. A failed Status stops the producer.
  [[nodiscard]] virtual Status put(const Cid& cid, ByteView bytes) = 0;
};

}  // namespace pv::content
