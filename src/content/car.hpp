#pragma once
// CARv1 (content-addressable archive), as Kubo's `dag export` and the trustless gateway write:
//
//   varint(header length) header   then, per block:   varint(section length) CID block-bytes
//
// The header is DAG-CBOR {"roots": [CID, ...], "version": 1}, keys in DAG-CBOR order ("roots"
// first), each root a tag-42 byte string holding 0x00 and the binary CID. We write and read
// exactly that shape by hand; other CBOR (another key order, extra keys, non-minimal lengths,
// version 2) is refused.
//
// The reader is strict and streaming: it holds one section at a time (at most
// kMaxCarSectionBytes), checks every block against its CID before handing it out, and names
// the section and the byte offset when a CAR is truncated or wrong. A CAR already whole in
// memory (an upload's body) is read in place instead (CarReader::read_in_place): the same
// checks, and blocks that are views into it rather than copies.

#include <cstdint>
#include <optional>
#include <vector>

#include "content/block_sink.hpp"
#include "content/block_store.hpp"
#include "content/byte_stream.hpp"
#include "content/cid.hpp"
#include "content/file_importer.hpp"

namespace pv::content {

// A section (CID + block) over this is refused: blocks of ours are at most 256 KiB + a little,
// and IPFS implementations cap blocks at 2 MiB.
inline constexpr std::size_t kMaxCarSectionBytes = 4 * 1024 * 1024;
inline constexpr std::size_t kMaxCarHeaderBytes = 64 * 1024;
inline constexpr std::size_t kMaxCarRoots = 1024;

// The varint-prefixed header. For N CIDv1 roots of ours its size depends only on N (one root:
// 59 bytes + 1 length byte = 60), so a writer that learns its root at the end can write a
// placeholder root first and overwrite it (FileSink::overwrite_at).
Bytes encode_car_header(const std::vector<Cid>& roots);
// Decodes a header body (without the length varint).
[[nodiscard]] Result<std::vector<Cid>> decode_car_header(ByteView header);

// Writes a CARv1 to a sink. Blocks are written in the order put; use walk_dag for Kubo's order.
class CarWriter final : public BlockSink {
 public:
  explicit CarWriter(ByteSink& out) : out_(out) {}
  [[nodiscard]] Status write_header(const std::vector<Cid>& roots);
  // Checks the bytes against the CID first: a CAR of ours never holds a lying block.
  [[nodiscard]] Status put(const Cid& cid, ByteView bytes) override;
  [[nodiscard]] Status put_hashed(HashedByImporter, const Cid& cid, ByteView bytes) override;
  std::uint64_t bytes_written() const { return written_; }

  // Writes the CAR of the DAG under `root` as the trustless gateway serves it: the header, then
  // every distinct block once in walk_dag's order (Kubo's `dag export` order). Each block comes
  // from store.get(), which checks it against its CID (the BlockStore contract), so it is not
  // hashed a second time here.
  [[nodiscard]] static Status write_dag(BlockStore& store, const Cid& root, ByteSink& out);

 private:
  [[nodiscard]] Status write_section(const Cid& cid, ByteView bytes);
  ByteSink& out_;
  bool header_written_ = false;
  std::uint64_t written_ = 0;
};

struct CarBlock {
  Cid cid;
  Bytes bytes;
  CheckedByCarReader checked;  // `bytes` hashed to `cid` when CarReader made this block
};

// A whole CAR read in place: every block checked against its CID; the views point into the
// bytes given to CarReader::read_in_place, which must outlive them.
struct CheckedCar {
  std::vector<Cid> roots;
  std::vector<BlockView> blocks;  // in CAR order
  std::uint64_t block_bytes = 0;  // the blocks' bytes, CIDs and framing not counted
  CheckedByCarReader checked;     // the pass key for BlockStore::put_all_checked
};

class CarReader {
 public:
  // Reads and checks the header.
  [[nodiscard]] static Result<CarReader> open(ByteSource& in);
  // Reads and checks a whole CAR held in memory, with the rules and error messages of
  // open() + next() until the end, without copying a block.
  [[nodiscard]] static Result<CheckedCar> read_in_place(ByteView car);
  const std::vector<Cid>& roots() const { return roots_; }
  // The next block, verified against its CID; nullopt at a clean end of the CAR.
  [[nodiscard]] Result<std::optional<CarBlock>> next();
  std::uint64_t offset() const { return offset_; }

 private:
  explicit CarReader(ByteSource& in) : in_(&in) {}
  // Reads exactly n bytes; `clean_eof` is set when the stream ended before the first byte.
  // `more_after` is how many bytes of `what` follow these n, for the count a truncation names.
  [[nodiscard]] Status read_exact(std::uint8_t* buf, std::size_t n, const std::string& what,
                                  bool* clean_eof = nullptr, std::size_t more_after = 0);
  [[nodiscard]] Result<std::optional<std::uint64_t>> read_length(const std::string& what);

  ByteSource* in_;
  std::vector<Cid> roots_;
  std::uint64_t offset_ = 0;
  std::uint64_t section_ = 0;
  bool failed_ = false;
};

// Imports a file (UnixFS, as FileImporter) straight into a CAR file, streaming: the header is
// written first with a placeholder root of the same size, blocks follow in the importer's
// post-order, and the real root is written over the placeholder at the end.
[[nodiscard]] Result<ImportResult> import_file_to_car(ByteSource& file, FileSink& car);

// Reads a whole CAR into `sink` (e.g. a blockstore), every block verified. Returns the roots.
[[nodiscard]] Result<std::vector<Cid>> import_car(ByteSource& in, BlockSink& sink);

}  // namespace pv::content
