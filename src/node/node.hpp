#pragma once
// A ledger node: storage, ordering and the committer behind one facade. The HTTP API and
// in-process tests talk only to this class. Thread-safe: every method may be called from many
// threads at once.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ledger/block.hpp"
#include "ledger/checkpoint.hpp"
#include "node/config.hpp"
#include "node/peer_client.hpp"
#include "node/peer_status.hpp"

namespace pv {

// Where a committed transaction sits.
struct TxLocation {
  std::uint64_t height = 0;
  std::uint32_t index = 0;       // position in the block
  std::uint64_t log_index = 0;   // leaf index in the Merkle log
};

struct CommittedTx {
  TxId id;
  TxLocation location;
  TxResult result;
  std::uint64_t block_time_ms = 0;
};

enum class TxState { pending, committed, unknown };

struct TxView {
  TxState state = TxState::unknown;
  std::optional<CommittedTx> committed;
  Bytes encoded;  // the signed transaction (empty when unknown)
};

struct InclusionProof {
  std::uint64_t log_index = 0;
  std::uint64_t tree_size = 0;
  Hash32 root;
  Hash32 leaf_hash;
  std::vector<Hash32> hashes;
  std::string checkpoint;  // the signed note whose size and root this proof is against
};

struct ConsistencyProof {
  std::uint64_t size1 = 0, size2 = 0;
  Hash32 root1, root2;
  std::vector<Hash32> hashes;
};

struct NodeInfo {
  std::string did;              // did:key of the node key
  PublicKey checkpoint_key;     // key that signs checkpoints and seals blocks
  std::string checkpoint_key_name;  // key name used in checkpoint signature lines (the origin)
  std::string network;          // network name from genesis
  NetworkId network_id;
  std::uint64_t height = 0;     // last committed block
  std::uint64_t log_size = 0;
  std::string ordering;         // "embedded" or "etcd"
  std::size_t member_nodes = 0;  // node keys in the genesis membership (this one included)
};

// Cluster mode only: etcd ordering and the checkpoint exchange with peers.
struct ClusterMetrics {
  bool enabled = false;
  EtcdOrderingStats etcd;
  std::uint64_t peers = 0;             // peers seen in etcd
  std::uint64_t peer_checks = 0;       // checkpoint exchanges that were checked
  std::uint64_t peer_check_errors = 0; // exchanges that failed (peer down, bad answer)
  bool divergence = false;             // a peer derived a different block or log root
  std::string divergence_peer;         // its URL
};

struct NodeMetrics {
  std::uint64_t committed_tx = 0;       // valid + invalid transactions in blocks
  std::uint64_t committed_valid_tx = 0;
  std::uint64_t rejected_submissions = 0;
  std::uint64_t height = 0;
  std::uint64_t queue_depth = 0;        // accepted, not yet committed
  // Commit latency (accept -> durable) histogram: cumulative counts per upper bound in seconds.
  std::vector<double> latency_bounds;
  std::vector<std::uint64_t> latency_counts;  // same length as bounds; +Inf = latency_count
  std::uint64_t latency_count = 0;
  double latency_sum_seconds = 0;
  ClusterMetrics cluster;
};

class Node {
 public:
  // Opens (or initializes, on first start) the data directory, runs the startup check and starts
  // ordering and committing. A failed startup check does not fail open(): the node serves reads
  // and refuses writes with `health()` saying why.
  [[nodiscard]] static Result<std::unique_ptr<Node>> open(const NodeConfig& config);
  virtual ~Node() = default;

  // Checks each transaction's form, signature and freshness (nonce and id against committed and
  // pending transactions) and queues those that pass. One result per input, in order; a refused
  // transaction never disturbs the others or anything already accepted.
  virtual std::vector<Result<TxId>> submit(const std::vector<Bytes>& encoded) = 0;
  // Blocks until every id is committed or `timeout` passes; nullopt for those still pending.
  virtual std::vector<std::optional<CommittedTx>> wait_committed(const std::vector<TxId>& ids,
                                                                 std::chrono::milliseconds timeout) = 0;

  // Signs `payload` as a transaction of `type` with this node's own key (the next nonce of that
  // key) and submits it like any other. For what the node writes about its own decisions: the
  // access event of every read it permits or refuses (docs/consent.md, "Access events").
  // Serialized internally, so concurrent callers never race each other's nonces.
  [[nodiscard]] virtual Result<TxId> submit_as_node(TxType type, Bytes payload) = 0;

  virtual TxView get_tx(const TxId& id) = 0;
  [[nodiscard]] virtual Result<Block> get_block(std::uint64_t height) = 0;
  // The block's canonical encoding as stored (what encode_block(get_block(h)) gives), without
  // decoding it: followers read many.
  [[nodiscard]] virtual Result<Bytes> get_block_bytes(std::uint64_t height) = 0;
  // Latest checkpoint as a signed note, and parsed.
  virtual std::string checkpoint_note() = 0;
  virtual Checkpoint checkpoint() = 0;
  [[nodiscard]] virtual Result<InclusionProof> inclusion_proof(const TxId& id) = 0;
  [[nodiscard]] virtual Result<ConsistencyProof> consistency_proof(std::uint64_t size1,
                                                                   std::uint64_t size2) = 0;
  // A value of committed state (as of the last committed block), or nullopt.
  virtual std::optional<Bytes> read_state(const std::string& key) = 0;
  virtual NodeInfo info() = 0;
  virtual NodeMetrics metrics() = 0;
  // For the checkpoint exchange between nodes: this node's head, the sealed header at
  // min(height, head) and its latest signed checkpoint.
  [[nodiscard]] virtual Result<PeerStatus> peer_status(std::uint64_t height) = 0;
  // True for the node keys of the genesis membership (peers may call node-only routes).
  virtual bool is_member_node_key(const PublicKey& key) = 0;
  // Cluster mode: the other member nodes this node knows of, from their signed progress records
  // in etcd (refreshed every second; a node that died stays listed). Empty in embedded mode.
  virtual std::vector<PeerNode> peers() = 0;
  // Cluster mode: the client that signs requests to peers with this node's key; null in
  // embedded mode. Lives as long as the node.
  virtual const PeerClient* peer_client() = 0;
  // Ok when the node accepts writes; otherwise why not (startup check failed, shutting down).
  virtual Status health() = 0;
  // Stops ordering, commits what was accepted, closes storage. Idempotent.
  virtual void shutdown() = 0;
};

}  // namespace pv
