#pragma once
// Walking a stored DAG of raw and dag-pb (UnixFS file) blocks.

#include <functional>
#include <set>

#include "content/block_store.hpp"
#include "content/dag_pb.hpp"

namespace pv::content {

// The links of a block: none for raw, the decoded PBNode links for dag-pb.
[[nodiscard]] Result<std::vector<Cid>> block_links(const Cid& cid, ByteView bytes);

enum class LeafRead {
  verify,        // read and verify raw leaves too (CAR export, full checks)
  presence_only  // only check raw leaves exist (pinning); `visit` gets empty bytes for them
};

// Visits each distinct block under `root` once, depth-first pre-order: the root first, then
// each link's subtree in link order (the block order of Kubo's `dag export` and of the trustless
// gateway's CARs). Every dag-pb block is read through `store` (so verified) and decoded. Stops
// at the first error from the store, a decoder or `visit`. Memory: the pending links of one
// path (depth x 174) and one 32-byte digest per distinct block seen.
[[nodiscard]] Status walk_dag(BlockStore& store, const Cid& root, LeafRead leaves,
                              const std::function<Status(const Cid&, ByteView)>& visit);

// The digest of every block reachable from a pinned root of `store`: what a collection keeps.
// A pinned DAG that cannot be walked is an error naming its root (a collection must then stop
// without deleting anything: the unreadable part may need any block).
[[nodiscard]] Result<std::set<Hash32>> pinned_block_digests(BlockStore& store);

// The blocks of the DAGs under `roots`, each once, as far as `store` holds them: `present` in
// walk order, `missing` the blocks it does not hold (their links cannot be named). A block that
// does not decode is present and its children unknown. What an erasure deletes.
struct DagBlocks {
  std::vector<Hash32> present, missing;
};
[[nodiscard]] DagBlocks dag_blocks(BlockStore& store, std::span<const Cid> roots);

// Streams the bytes of the UnixFS file under `root` to `out`, in order, checking each node's
// filesize and blocksizes against what is below it (a lying node is Errc::corruption). Raw
// roots and raw leaves are file bytes as they are.
[[nodiscard]] Status read_file(BlockStore& store, const Cid& root,
                               const std::function<Status(ByteView)>& out);

}  // namespace pv::content
