#pragma once
// Alarm kinds and the evidence behind an alarm (docs/audit.md, "Evidence files"). An evidence
// file is self-contained: signed notes with the keys that signed them, proofs and block bytes as
// served, so that a third party can re-check it offline (`pv audit evidence FILE`).

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "node/node.hpp"

namespace pv::audit {

enum class AlarmKind {
  equivocation,       // one log key signed two different trees of one size
  consistency,        // a newer checkpoint does not extend an older one (proof fails, or it shrank)
  reexecution,        // a block or checkpoint does not match the auditor's own re-execution
  divergent_node,     // two nodes of one network show different trees of one size
  stalled,            // a node answers, has transactions pending, and its log does not grow
  witness_signature,  // a cosignature by a trusted witness that does not verify
};
inline constexpr std::array kAlarmKinds = {AlarmKind::equivocation, AlarmKind::consistency,
                                           AlarmKind::reexecution,  AlarmKind::divergent_node,
                                           AlarmKind::stalled,      AlarmKind::witness_signature};
const char* alarm_kind_name(AlarmKind kind);
[[nodiscard]] std::optional<AlarmKind> parse_alarm_kind(std::string_view name);

struct EvidenceBlock {
  std::string node;  // URL it came from
  std::uint64_t height = 0;
  Bytes encoded;  // exactly as served
};

// One signed checkpoint note and the verifier key (signed-note vkey format) it is checked with.
struct EvidenceNote {
  std::string node;  // URL it came from
  std::string note;
  std::string vkey;
};

struct Alarm {
  AlarmKind kind = AlarmKind::reexecution;
  std::uint64_t time = 0;  // POSIX seconds
  std::string reason;      // one line
  std::vector<EvidenceNote> notes;
  std::optional<ConsistencyProof> proof;
  std::vector<EvidenceBlock> blocks;
  // witness-signature: the cosigner verifier keys of the trusted witnesses the note was checked
  // against (C2SP tlog-cosignature vkeys).
  std::vector<std::string> witness_keys;
  // What the auditor computed itself, when a claim was compared with it (e.g. its root at a
  // size, its re-executed header's differences). Informative: not checkable offline.
  nlohmann::json auditor;
};

nlohmann::json evidence_json(const Alarm& alarm);
// Strict decoder of an evidence file: an error, never a crash, on any input.
[[nodiscard]] Result<Alarm> parse_evidence(std::string_view text);

// What `pv audit evidence` established offline.
struct EvidenceCheck {
  bool confirmed = false;           // the evidence proves the misbehaviour it names
  std::vector<std::string> checks;  // what was checked, one line each
  std::string problem;              // why not confirmed
};
// Re-checks the signatures on the notes and blocks and that they indeed conflict (or that the
// proof indeed fails, or that the block indeed does not verify as served).
[[nodiscard]] EvidenceCheck check_evidence(const Alarm& alarm);

}  // namespace pv::audit
