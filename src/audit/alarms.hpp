#pragma once
// The auditor's alarms (docs/audit.md, "Following and alarms"). An alarm is raised once per
// finding: its evidence (audit/evidence.hpp) is written to `<data dir>/evidence/<time>-<kind>.json`
// (temporary file, fsync, rename), one line is logged, the gauge pv_audit_alarm{kind} goes to 1
// and, when configured, the evidence is POSTed as JSON to a webhook.

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "audit/evidence.hpp"

namespace pv::audit {

// The auditor's alarm state. Thread-safe.
class AlarmBoard {
 public:
  // `data_dir`: evidence goes to <data_dir>/evidence/. `webhook`: http(s)://host[:port]/path or
  // empty.
  AlarmBoard(std::string data_dir, std::string webhook);

  // Records the alarm (evidence file, log line, gauge, webhook). Returns the evidence path.
  // The gauge is set even when the file cannot be written (the error says so).
  [[nodiscard]] Result<std::string> raise(Alarm alarm);
  // 1 for every kind raised since start or found in the evidence directory.
  std::map<AlarmKind, int> gauges() const;
  std::vector<std::string> evidence_files() const;
  // Marks kinds whose evidence files already exist (after a restart the alarm stays raised).
  [[nodiscard]] Status load();

 private:
  std::string data_dir_, webhook_;
  mutable std::mutex mu_;
  std::map<AlarmKind, int> raised_;
  std::vector<std::string> files_;
};

// The evidence files in <data_dir>/evidence, oldest first.
[[nodiscard]] Result<std::vector<std::string>> list_evidence(const std::string& data_dir);

}  // namespace pv::audit
