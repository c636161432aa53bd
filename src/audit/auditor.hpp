#pragma once
// The auditor (`pv audit serve`, docs/audit.md): one follower per node, each on a thread of its
// own, the comparison of what they accepted across nodes, the alarm board, and the gate through
// which the witness cosigns only what a follower verified. Status as JSON (GET /v1/status) and
// Prometheus text (GET /metrics).
// Thread-safety: every method may be called from any thread once open() returned.

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "audit/alarms.hpp"
#include "audit/follower.hpp"
#include "audit/witness.hpp"

namespace pv::audit {

struct AuditorConfig {
  std::vector<std::string> nodes;  // node URLs
  std::string data_dir;
  Genesis genesis;
  api::NodeTrust trust;
  bool from_genesis = false;  // discard the followers' replicas and verify again from block 0
  std::string webhook;        // POST each alarm's evidence here; empty: none
  std::vector<std::string> witnesses;  // cosignature/v1 vkeys whose lines must verify
  std::chrono::milliseconds poll_interval{200};
  // A node whose log does not grow for this long while it reports pending transactions stalls.
  std::chrono::milliseconds stall_after{std::chrono::seconds(60)};
};

class Auditor {
 public:
  [[nodiscard]] static Result<std::unique_ptr<Auditor>> open(AuditorConfig config);
  ~Auditor();

  // Starts one following thread per node. stop() joins them (also done on destruction).
  void start();
  void stop();

  // The log the witness cosigns: the network's origin and every genesis node key.
  WitnessedLog witnessed_log() const;
  // The witness gate (audit/witness.hpp): contradicts if any follower's verified ledger has
  // another root at that size; verified if one verified it; else not yet.
  GateAnswer gate(const WitnessedLog& log, const Checkpoint& cp) const;
  // A checkpoint submitted to the witness that conflicts: with `cosigned_note`, the note of the
  // same size the witness cosigned before (equivocation when one key signed both, else divergent
  // nodes); without, the gate's re-execution contradicted it. Raised as an alarm.
  void witness_conflict(const std::string& submitted_note,
                        const std::optional<std::string>& cosigned_note, const std::string& why);

  AlarmBoard& alarms() { return alarms_; }
  nlohmann::json status_json() const;
  std::string metrics_text() const;

 private:
  explicit Auditor(AuditorConfig config);
  void follow(Follower& follower);
  void compare_all();
  void compare_blocks();
  // Adds to a divergent-node alarm between a and b where their verified ledgers part and what
  // differs there (audit/divergence.hpp), with both nodes' sealed blocks of that height.
  void explain(Alarm& alarm, const Follower& a, const Follower& b) const;
  void watch_stall(Follower& follower, const FollowerStatus& s);
  void raise(Alarm alarm);

  AuditorConfig config_;
  AlarmBoard alarms_;
  std::shared_ptr<SignaturePool> signatures_ = std::make_shared<SignaturePool>();
  std::vector<std::unique_ptr<Follower>> followers_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();

  mutable std::mutex mu_;                      // guards the members below
  std::set<std::string> compared_;             // reasons of cross-node alarms already raised
  std::vector<EvidenceBlock> refused_blocks_;  // still to compare with another node's
  // Per ordered pair of followers: the sizes of the first's notes compared with the second.
  std::map<std::pair<std::size_t, std::size_t>, std::uint64_t> compared_to_;
  struct Progress {
    std::uint64_t size = 0;
    std::chrono::steady_clock::time_point since;
    bool raised = false;
  };
  std::map<std::string, Progress> progress_;  // per node URL
};

// The follower directory of a node URL under <data_dir>/nodes/.
std::string follower_dir(const std::string& data_dir, const std::string& url);

}  // namespace pv::audit
