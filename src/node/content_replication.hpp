#pragma once
// Content replication in a cluster (docs/cluster.md, "Content replication"):
//
//  - Reads: store() is this node's blockstore with a fall-back to the peers. A block that is not
//    here (or whose local copy is corrupt) is fetched from a peer, checked against its CID and
//    kept, so the gateway, the Kubo RPC and everything else that reads content serves any block
//    some live node holds.
//  - Record anchors: before this node accepts a record-anchor transaction, ensure_copies() pins
//    the record's content here and asks peers to pull and pin it (POST /v1/peer/replicas/{cid})
//    until `copies` nodes, this one included, hold it pinned. The anchor is refused if that
//    cannot be done, so an acknowledged record never depends on one node's disk.
//  - The peer side of that request is pull_and_pin(): fetch what is missing (from the asking
//    node first), then pin.
// Thread-safe.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "content/block_store.hpp"
#include "node/node.hpp"
#include "node/peer_block_fetcher.hpp"

namespace pv {

struct ReplicationStats {
  PeerFetchStats fetch;
  std::uint64_t anchors_replicated = 0;  // ensure_copies() that reached `copies`
  std::uint64_t anchors_refused = 0;     // ensure_copies() that did not
  std::uint64_t replicas_pinned = 0;     // pull_and_pin() for peers that succeeded
};

// Where a record's content is held once ensure_copies() succeeded.
struct ReplicaSet {
  std::uint32_t required = 0;
  std::vector<std::string> holders;  // "self" first, then peer URLs
};

// The default number of copies: 2 in a cluster, but never more than the genesis names nodes;
// 1 (this node's own) with embedded ordering, where there are no peers to hold a replica.
std::uint32_t default_replication_copies(const NodeInfo& info);
// The most copies a node can ever reach: the genesis nodes in a cluster, 1 with embedded
// ordering.
std::size_t max_replication_copies(const NodeInfo& info);

class ContentReplication {
 public:
  // `local` is this node's own blockstore; `node` and `local` must outlive this object.
  // `copies` 0 turns the record-anchor check off entirely.
  // `max_waiting`: how many requests may wait on peers at once (ensure_copies and pull_and_pin
  // together); more are refused with Errc::unavailable at once. Keep it below the HTTP server's
  // thread count: a waiting request holds a server thread while the peer it waits on calls back
  // for blocks (GET /v1/peer/blocks, which never waits on anyone), and that call needs a free one.
  ContentReplication(Node& node, content::BlockStore& local, std::uint32_t copies,
                     std::size_t max_waiting,
                     std::chrono::milliseconds replica_timeout = std::chrono::minutes(5));
  ~ContentReplication();

  // The blockstore to read content through: local first, then peers.
  content::BlockStore& store();
  std::uint32_t copies() const { return copies_; }

  // Before accepting a record anchor whose content is `root`. Errors:
  //   Errc::conflict    the content is not complete on this node (upload it here first);
  //   Errc::unavailable fewer than `copies` nodes could be made to hold it (names each peer's
  //                     answer); nothing is undone: the copies that were made stay pinned.
  [[nodiscard]] Result<ReplicaSet> ensure_copies(const content::Cid& root);

  // For a peer's POST /v1/peer/replicas/{cid}: fetches every block of the DAG this node lacks
  // (from `requester` first, then other peers), verifying each, and pins `root`.
  [[nodiscard]] Result<DagFetchReport> pull_and_pin(const content::Cid& root,
                                                    const PublicKey& requester);

  ReplicationStats stats() const;

 private:
  class FetchingStore;
  Node& node_;
  content::BlockStore& local_;
  std::uint32_t copies_;
  std::chrono::milliseconds replica_timeout_;
  PeerBlockFetcher fetcher_;
  std::unique_ptr<FetchingStore> store_;
  // Errc::unavailable when max_waiting requests already wait on peers; else a slot to hold.
  [[nodiscard]] Result<std::shared_ptr<void>> waiting_slot(const char* what);

  std::size_t max_waiting_;
  std::atomic<std::size_t> waiting_{0};
  std::atomic<std::uint64_t> anchors_replicated_{0}, anchors_refused_{0}, replicas_pinned_{0};
};

}  // namespace pv
