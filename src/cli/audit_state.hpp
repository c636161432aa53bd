#pragma once
// What `pv verify --node` remembers between runs: per network id, the last checkpoint it verified
// and the key that signed it. The next run proves the new checkpoint extends that one, so a node
// cannot rewrite history between two audits without being caught.

#include <map>
#include <optional>
#include <string>

#include "cli/proof_check.hpp"

namespace pv::cli {

struct RememberedCheckpoint {
  std::string network;
  TrustedKey key;
  Checkpoint checkpoint;
  std::string note;  // the signed note, kept so the claim can be shown to others
};

struct AuditState {
  std::map<std::string, RememberedCheckpoint> by_network_id;  // key: network id hex
};

// $XDG_CONFIG_HOME/pv/verify-state.json (see config_dir.hpp for the fallbacks).
std::string default_audit_state_path();

// A missing file is an empty state; a file that does not parse is an error (never silently
// forget what was verified).
[[nodiscard]] Result<AuditState> load_audit_state(const std::string& path);
[[nodiscard]] Status save_audit_state(const std::string& path, const AuditState& state);

}  // namespace pv::cli
