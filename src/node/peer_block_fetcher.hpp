#pragma once
// Fetching content blocks this node lacks from its peers (docs/cluster.md, "Content
// replication"). A peer serves only blocks it holds itself (GET /v1/peer/blocks/{cid}, a request
// signed with this node's key), and nothing a peer sends is trusted: a block is kept only after
// BlockStore::put has checked that its bytes hash to the CID that was asked for. A peer whose
// bytes fail that check is counted as lying and the next peer is asked. Peers that did not answer
// are asked last for a few seconds, so a frozen peer costs one timeout rather than one per block.
// Thread-safe.

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "content/block_store.hpp"
#include "node/peer_client.hpp"

namespace pv {

struct PeerFetchStats {
  std::uint64_t blocks = 0;      // blocks fetched from peers and stored
  std::uint64_t bytes = 0;       // their bytes
  std::uint64_t bad_blocks = 0;  // answers that did not hash to the CID asked for (refused)
  std::uint64_t misses = 0;      // fetches no peer could serve
};

struct DagFetchReport {
  std::uint64_t blocks = 0;   // blocks in the DAG
  std::uint64_t fetched = 0;  // of which fetched from peers
};

// `peers` (in the order given) and a preferred node first; deterministic so that replicas of one
// CID spread over the cluster the same way on every node: highest SHA-256(digest || node key)
// first (rendezvous hashing).
std::vector<PeerNode> peers_for(const content::Cid& cid, std::vector<PeerNode> peers,
                                const std::optional<PublicKey>& prefer = std::nullopt);

class PeerBlockFetcher {
 public:
  using PeerList = std::function<std::vector<PeerNode>()>;
  // `client` null: there are no peers (embedded ordering); every fetch is a miss. `client`,
  // `local` and whatever `peers` reads must outlive the fetcher.
  PeerBlockFetcher(const PeerClient* client, PeerList peers, content::BlockStore& local,
                   std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Asks the peers for `cid` (`prefer` first), stores the first answer that hashes to it in the
  // local store and returns the bytes. Errc::not_found when no peer served it; the message
  // names each peer's answer.
  [[nodiscard]] Result<Bytes> fetch(const content::Cid& cid,
                                    const std::optional<PublicKey>& prefer = std::nullopt);
  // Makes every block of the DAG under `root` local: present blocks are read (dag-pb nodes, for
  // their links) or only looked up (raw leaves), missing ones fetched. Stops at the first block
  // no peer serves. The caller pins `root` soon after (within garbage collection's grace
  // period), or fetched blocks may be collected before the pin.
  [[nodiscard]] Result<DagFetchReport> fetch_dag(
      const content::Cid& root, const std::optional<PublicKey>& prefer = std::nullopt);

  PeerFetchStats stats() const;

 private:
  // Peers in the order to ask: preferred, then healthy ones, then those that failed lately.
  std::vector<PeerNode> order(const content::Cid& cid, const std::optional<PublicKey>& prefer);
  void note_unreachable(const PublicKey& peer);

  const PeerClient* client_;
  PeerList peers_;
  content::BlockStore& local_;
  std::chrono::milliseconds timeout_;
  mutable std::mutex mu_;
  PeerFetchStats stats_;
  std::map<PublicKey, std::chrono::steady_clock::time_point> unreachable_until_;
};

}  // namespace pv
