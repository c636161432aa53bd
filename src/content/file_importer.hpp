#pragma once
// Streaming UnixFS importer, byte for byte what Kubo's `ipfs add --cid-version=1` produces:
// fixed 256 KiB chunks stored as raw blocks (codec 0x55), a balanced DAG of dag-pb file nodes
// with at most 174 links each, sha2-256 throughout. A file of at most one chunk is the raw block
// itself (the empty file is the raw block of 0 bytes).
//
// Streaming: bytes go in through write() in pieces of any size; each block goes to the sink as
// soon as it is complete. The importer holds one chunk buffer (256 KiB) and at most 174 pending
// links per tree level (~8 KiB a level; 4 levels cover 238 TiB), never the file.
//
// Block order (what the sink sees): post-order. Leaves in file order; a node right after the
// last block under it; the root last. A CARv1 stream written from the sink therefore needs the
// root CID before it is known: write the header with the root into a seekable file afterwards
// (the header has a fixed size, see car.hpp), or export the stored DAG in pre-order once the
// root is known (walk_dag in dag_walk.hpp, root first, as Kubo's `dag export` does).
//
// Not thread-safe; one importer per file.

#include <cstdint>
#include <vector>

#include "base/bytes.hpp"
#include "content/block_sink.hpp"
#include "content/cid.hpp"

namespace pv::content {

inline constexpr std::size_t kChunkSize = 256 * 1024;
inline constexpr std::size_t kMaxLinksPerNode = 174;

struct ImportResult {
  Cid root = Cid::v1(Multicodec::raw, Hash32{});
  std::uint64_t file_size = 0;  // bytes written
  std::uint64_t dag_size = 0;   // bytes of every block under the root (Kubo's CumulativeSize)
  std::uint64_t blocks = 0;     // blocks sent to the sink (repeated chunks counted each time)
};

class FileImporter {
 public:
  explicit FileImporter(BlockSink& sink);
  FileImporter(const FileImporter&) = delete;
  FileImporter& operator=(const FileImporter&) = delete;

  // Adds the next bytes of the file. Fails if the sink fails; the importer is then unusable.
  [[nodiscard]] Status write(ByteView data);
  // Flushes the last chunk and the pending nodes up to the root. Call once, after every write.
  [[nodiscard]] Result<ImportResult> finish();

 private:
  struct Entry {
    Cid cid;
    std::uint64_t file_bytes;  // file bytes under this block
    std::uint64_t tsize;       // encoded bytes of every block under and including this one
  };
  [[nodiscard]] Status emit_leaf(ByteView chunk);
  [[nodiscard]] Status push(std::size_t level, const Entry& entry);
  [[nodiscard]] Status reduce(std::size_t level);

  BlockSink& sink_;
  Bytes buffer_;
  std::vector<std::vector<Entry>> levels_;  // levels_[0]: leaves not yet under a node
  std::vector<std::uint64_t> produced_;     // entries ever pushed to each level
  std::uint64_t file_size_ = 0;
  std::uint64_t blocks_ = 0;
  bool failed_ = false;
  bool finished_ = false;
};

// Imports a whole in-memory buffer (tests, small objects).
[[nodiscard]] Result<ImportResult> import_bytes(BlockSink& sink, ByteView data);

}  // namespace pv::content
