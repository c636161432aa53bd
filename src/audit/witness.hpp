#pragma once
// The witness of an auditor node: C2SP tlog-witness `add-checkpoint` (docs/audit.md). For each
// log it trusts (an origin and the log's note keys) it keeps the latest checkpoint it cosigned,
// persisted before it answers, and cosigns a newer one only when it is signed by the log, proven
// consistent with the stored one (RFC 6962/9162 consistency proof), and, through the gate,
// verified by the auditor's own re-execution of the ledger up to that size.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ed25519.hpp"
#include "ledger/checkpoint.hpp"

namespace pv::audit {

struct WitnessedLog {
  std::string origin;
  std::vector<NoteVerifierKey> keys;  // the log's checkpoint keys (any one signature suffices)
};

struct CosignedCheckpoint {
  Checkpoint checkpoint;
  std::string note;  // the submitted signed note
};

// What the auditor knows of a checkpoint the witness is asked to cosign.
enum class GateVerdict {
  verified,     // the auditor re-executed the ledger to this size and got this root
  not_yet,      // the auditor has not reached this size yet: ask again later
  contradicts,  // the auditor's verified ledger has another root at this size
};
struct GateAnswer {
  GateVerdict verdict = GateVerdict::verified;
  std::string reason;
};
using CheckpointGate = std::function<GateAnswer(const WitnessedLog&, const Checkpoint&)>;

// An HTTP answer as the tlog-witness spec defines it, plus what the auditor must keep as evidence
// (a validly signed checkpoint that conflicts with one already cosigned).
struct WitnessAnswer {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::optional<std::string> conflicting_note;  // set on a same-size, different-root submission
};

inline constexpr std::size_t kMaxAddCheckpointBytes = 64 * 1024 + 64 * 46;
inline constexpr std::size_t kMaxConsistencyProofLines = 63;

class Witness {
 public:
  // `state_dir` holds one file per log; `gate` may be empty (cosign on signature and consistency
  // alone, for tests of the protocol).
  Witness(std::string name, SigningKey key, std::vector<WitnessedLog> logs, std::string state_dir,
          CheckpointGate gate);

  // Reads the persisted state; a file that does not parse is an error (never forget silently).
  [[nodiscard]] Status load();

  WitnessAnswer add_checkpoint(std::string_view request_body, std::uint64_t now);

  std::optional<CosignedCheckpoint> latest(std::string_view origin) const;
  const std::string& name() const { return name_; }
  std::string verifier_key() const;

 private:
  std::string state_path(std::string_view origin) const;

  std::string name_;
  SigningKey key_;
  std::vector<WitnessedLog> logs_;
  std::string state_dir_;
  CheckpointGate gate_;
  mutable std::mutex mu_;  // check-and-update of a log's latest checkpoint is atomic
  std::map<std::string, CosignedCheckpoint, std::less<>> latest_;
};

}  // namespace pv::audit
