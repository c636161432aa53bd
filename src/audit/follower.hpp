#pragma once
// Follows one node for the auditor (docs/audit.md, "Following and alarms"). Each poll reads the
// node's signed checkpoint and
//   1. opens it with the node's key, which must be a node key of the genesis membership;
//   2. checks it against the last checkpoint accepted from that node: a smaller size, or the same
//      size with another root, or a consistency proof (asked of the node) that does not verify
//      raises an alarm;
//   3. fetches the blocks up to its size in order and verifies each on the auditor's own replica
//      (audit/ledger_replica.hpp: seal, hash chain, every verdict, log root and state digest
//      re-executed with the nodes' own committer);
//   4. compares the checkpoint's root with the replica's root at its size;
// and only then accepts it, persisting it in the follower's directory. The replica keeps what
// was verified, so a restart (kill -9 included) resumes where it stopped.
//
// After an alarm the follower halts: it stops following that node (whose claims no longer
// stand) until the operator restarts it; the evidence stays on disk.
// Thread-safety: poll() from one thread; status(), gate() and recent_note() from any.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/client.hpp"
#include "audit/alarms.hpp"
#include "audit/ledger_replica.hpp"
#include "audit/witness.hpp"

namespace pv::audit {

struct FollowerConfig {
  std::string url;  // the node, http(s)://HOST:PORT
  std::string dir;  // the follower's own directory (replica, accepted checkpoint)
  Genesis genesis;  // the network's genesis: the auditor's trust anchor
  api::NodeTrust trust;
  // Witnesses whose cosignatures on the node's checkpoints must verify (cosignature/v1 vkeys);
  // a line of theirs that does not raises witness-signature (once; the follower goes on).
  std::vector<std::string> witnesses;
  // Checks signatures, shared by the followers of one auditor (a block several nodes serve is
  // checked once); null: a pool of the follower's own.
  std::shared_ptr<SignaturePool> signatures;
};

// A checkpoint note the follower accepted, with what was verified when it was accepted (so
// comparisons need not verify its signature again).
struct AcceptedNote {
  EvidenceNote note;
  Checkpoint checkpoint;
  PublicKey key;  // the node key that signed it
};

struct FollowerStatus {
  std::string url;
  std::string node_key;                 // hex, once known
  ReplicaHead verified;                 // what the replica verified
  std::uint64_t resumed_at_height = 0;  // the replica's head when this process opened it
  std::uint64_t node_height = 0;        // the node's head as last seen
  std::uint64_t node_log_size = 0;      // the node's checkpoint size as last seen
  std::uint64_t node_pending = 0;       // transactions the node reports accepted, not committed
  std::optional<Checkpoint> accepted;   // the last checkpoint accepted
  bool halted = false;                  // an alarm stopped following
  std::string halt_reason;
  std::string last_error;  // the last transient failure (node unreachable, ...)
  std::uint64_t polls = 0;
};

class Follower {
 public:
  // Opens (or creates) the follower's directory. Does not contact the node.
  [[nodiscard]] static Result<std::unique_ptr<Follower>> open(FollowerConfig config);

  // One round (see the header comment). Alarms found are returned (and halt the follower); an
  // error is a transient failure (node unreachable, replica I/O), to be retried.
  [[nodiscard]] Result<std::vector<Alarm>> poll();
  // Asks poll() to return at the next block boundary.
  void stop() { stopping_ = true; }
  // Writes the last accepted checkpoint if accept() left it for later. From poll()'s thread,
  // when following stops.
  [[nodiscard]] Status flush();

  FollowerStatus status() const;
  // The witness gate for this node's log: has the replica verified `cp`?
  GateAnswer gate(const Checkpoint& cp) const;
  // The accepted signed note of size `size`, if one of the recent ones has it.
  std::optional<AcceptedNote> recent_note(std::uint64_t size) const;
  // Sizes of the recent accepted notes above `after`, in increasing order.
  std::vector<std::uint64_t> recent_sizes(std::uint64_t after = 0) const;
  // The replica's root at `size`, when verified that far.
  std::optional<Hash32> verified_root(std::uint64_t size) const;
  // The block of `height` the replica verified, when it got that far.
  std::optional<Block> verified_block(std::uint64_t height) const;
  const std::string& url() const { return config_.url; }
  const std::string& origin() const { return origin_; }

  // Checks `note` (signed by `key`) against `accepted`, the last note accepted from that node;
  // `proof` is the node's consistency proof between them (only read when the size grew). An
  // alarm when they conflict; nullopt when `note` may be accepted so far. Exposed for tests.
  [[nodiscard]] static std::optional<Alarm> check_extension(const EvidenceNote& accepted_note,
                                                            const Checkpoint& accepted,
                                                            const EvidenceNote& note,
                                                            const Checkpoint& cp,
                                                            const ConsistencyProof* proof);
  // Checks the cosignature lines by `witnesses` on `note` (the node's checkpoint as served): an
  // alarm when a line of theirs does not verify at `now`. Exposed for tests.
  [[nodiscard]] static std::optional<Alarm> check_cosignatures(
      const EvidenceNote& note, const std::vector<std::string>& witnesses, std::uint64_t now);

 private:
  explicit Follower(FollowerConfig config) : config_(std::move(config)) {}
  [[nodiscard]] Result<std::vector<Alarm>> poll_once();
  [[nodiscard]] Status connect();
  [[nodiscard]] Result<std::optional<Alarm>> verify_blocks_to(const Checkpoint& cp,
                                                              const EvidenceNote& note);
  [[nodiscard]] Status accept(const EvidenceNote& note, const Checkpoint& cp);
  [[nodiscard]] Status load_accepted();
  [[nodiscard]] Status persist_accepted(const EvidenceNote& note);
  std::vector<Alarm> halt(Alarm alarm);

  FollowerConfig config_;
  std::string origin_;
  std::set<PublicKey> members_;  // genesis node keys
  std::unique_ptr<LedgerReplica> replica_;
  std::optional<api::NodeClient> client_;
  std::optional<PublicKey> node_key_;
  bool genesis_checked_ = false;
  bool witness_alarm_raised_ = false;
  std::atomic<bool> stopping_{false};
  std::chrono::steady_clock::time_point persisted_at_{};  // last write of the accepted note
  bool persisted_all_ = true;  // the file holds the last accepted note

  mutable std::mutex mu_;  // guards everything below
  FollowerStatus status_;
  std::optional<EvidenceNote> accepted_note_;
  std::map<std::uint64_t, AcceptedNote> recent_;  // size -> accepted note, the last kRecentNotes
};

// Compares what two followers of one log accepted and verified: two notes of one size with
// different roots (one key: equivocation; two keys: divergent nodes), or one node's note that
// the other's verified replica contradicts (divergent nodes). Only a's notes above `compared_to`
// are compared, and it is advanced past those b has caught up with (each size is compared
// once). nullopt when they agree so far.
[[nodiscard]] std::optional<Alarm> compare_followers(const Follower& a, const Follower& b,
                                                     std::uint64_t now, std::uint64_t& compared_to);

}  // namespace pv::audit
