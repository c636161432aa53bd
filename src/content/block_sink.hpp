#pragma once
// Where produced blocks go: a blockstore, a CAR writer, or a test's vector.

#include "base/bytes.hpp"
#include "content/cid.hpp"

namespace pv::content {

// A pass key only FileImporter can make: it proves the CID was just computed from the bytes
// in this process, so a sink may skip hashing them again (hashing is most of an import's cost).
class HashedByImporter {
  friend class FileImporter;
  HashedByImporter() = default;
};

// A pass key only CarReader can make: it travels with each block CarReader::next() hands out,
// which was checked against its CID on the way in, so a store may skip hashing it again (the
// node's POST /v1/blocks hashed every uploaded byte twice: in the CAR reader and in the store).
class CheckedByCarReader {
  friend class CarReader;
  CheckedByCarReader() = default;
};

class BlockSink {
 public:
  virtual ~BlockSink() = default;
  // Takes one block. `bytes` is only valid during the call. A failed Status stops the producer.
  [[nodiscard]] virtual Status put(const Cid& cid, ByteView bytes) = 0;
  // The same, for a block the importer has just hashed. Sinks that verify in put() may skip
  // the hash here; the default simply calls put().
  [[nodiscard]] virtual Status put_hashed(HashedByImporter, const Cid& cid, ByteView bytes) {
    return put(cid, bytes);
  }
};

}  // namespace pv::content
