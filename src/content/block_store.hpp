#pragma once
// The content blockstore contract. Implementations: RocksBlockStore (the node's disk, this
// level) and remote backends (a Kubo RPC node) built on top. Blocks are addressed by CID;
// blocks with the same multihash are the same block whatever the CID's codec or version.
//
// Guarantees every implementation keeps:
//  - put() refuses bytes that do not hash to the CID (Errc::invalid_argument), so nothing is
//    ever stored under the wrong CID;
//  - get() checks the bytes against the CID on every read and returns Errc::corruption instead
//    of bad bytes; a missing block is Errc::not_found;
//  - pin() is recursive: it succeeds only when every block of the DAG under the root is
//    present, and answers only once those blocks are durable; collect_garbage() never removes
//    a block reachable from a pinned root, nor one written recently (a grace period that lets
//    an upload store its blocks over several calls and pin its root at the end).
// Thread safety: every method may be called from many threads at once.

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/bytes.hpp"
#include "content/block_sink.hpp"
#include "content/cid.hpp"

namespace pv::content {

struct GcReport {
  std::uint64_t blocks_kept = 0;
  std::uint64_t blocks_removed = 0;
  std::uint64_t blocks_in_grace = 0;  // kept only because they were written recently
  std::uint64_t bytes_removed = 0;
  std::vector<Hash32> removed;  // the digest of every block removed
};

// One block to store: its CID and bytes (borrowed for the call).
struct BlockView {
  Cid cid;
  ByteView bytes;
};

// Errc::invalid_argument naming the first block whose bytes do not hash to its CID (and, for
// several blocks, saying that none of them was stored).
[[nodiscard]] Status check_blocks(std::span<const BlockView> blocks);

// What erasing one DAG did (docs/erasure.md, "On every node, after commit").
struct EraseReport {
  std::uint32_t blocks_deleted = 0;  // index entry gone, bytes removed from the store's files
  std::uint32_t blocks_shared = 0;   // kept: reachable from another pinned root
  std::uint32_t blocks_missing = 0;  // not in this store (never replicated here, or erased before)
  bool compacted = false;  // the forced bottommost compaction of the store's index completed
  std::vector<Hash32> erased;        // the digest of every block deleted
};

class BlockStore : public BlockSink {
 public:
  // Stores a block after checking it hashes to `cid`. Idempotent. Not durable until sync().
  [[nodiscard]] Status put(const Cid& cid, ByteView bytes) override = 0;
  // Stores several blocks, each checked as put() does, before any is stored; implementations
  // that can write them in one atomic write (all or none) do. Not durable until sync().
  // The same for blocks CarReader has just checked against their CIDs (the caller passes the
  // pass key of the CarBlocks the views point into): stores may skip the hash.
  [[nodiscard]] virtual Status put_all_checked(CheckedByCarReader,
                                               std::span<const BlockView> blocks) {
    return put_all(blocks);
  }
  [[nodiscard]] virtual Status put_all(std::span<const BlockView> blocks) {
    PV_TRY(check_blocks(blocks));
    for (const auto& b : blocks) PV_TRY(put(b.cid, b.bytes));
    return Status::ok();
  }
  // The block's bytes, verified against `cid`.
  [[nodiscard]] virtual Result<Bytes> get(const Cid& cid) = 0;
  // get(), into `out` (resized to the block). A caller that reads many blocks through one
  // buffer spares a fresh 256 KiB allocation per block (zero-filled, and above the node's mmap
  // threshold: page faults for every block served). On error `out` holds nothing usable.
  [[nodiscard]] virtual Status read_into(const Cid& cid, Bytes& out) {
    auto bytes = get(cid);
    if (!bytes) return bytes.error();
    out = std::move(*bytes);
    return Status::ok();
  }
  [[nodiscard]] virtual Result<bool> has(const Cid& cid) = 0;
  // True when this store erased the block (a record's erasure, docs/erasure.md): it is not
  // stored again and must not be fetched again from anywhere. Stores that cannot erase: false.
  [[nodiscard]] virtual Result<bool> erased(const Cid& cid) {
    (void)cid;
    return false;
  }
  // Erases the DAGs under `roots` (a record's erasure, docs/erasure.md): unpins them, deletes
  // every block of theirs that no other pinned root reaches, removes the bytes from the files
  // that held them and compacts what indexed them. Idempotent (blocks already gone count as
  // missing). Stores that cannot erase: Errc::unavailable.
  [[nodiscard]] virtual Result<EraseReport> erase_dags(std::span<const Cid> roots) {
    (void)roots;
    return make_error(Errc::unavailable, "this blockstore cannot erase blocks");
  }
  // Makes every put so far durable (survives a crash of the process or the machine).
  [[nodiscard]] virtual Status sync() = 0;

  // Pins the DAG under `root` recursively; Errc::not_found naming the first missing block.
  [[nodiscard]] virtual Status pin(const Cid& root) = 0;
  // Errc::not_found if `root` is not pinned.
  [[nodiscard]] virtual Status unpin(const Cid& root) = 0;
  // Pinned roots, as CIDv1, in byte order of their binary form.
  [[nodiscard]] virtual Result<std::vector<Cid>> pins() = 0;
  // Removes every block not reachable from a pinned root and not written within the grace
  // period.
  [[nodiscard]] virtual Result<GcReport> collect_garbage() = 0;
};

}  // namespace pv::content
