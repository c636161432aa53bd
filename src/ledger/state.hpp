#pragma once
// World state as seen by the validity rules, and the chained digest of its changes.
//
// Invariant: state_digest(block n) = SHA-256("PVSD1" || state_digest(block n-1) ||
// SHA-256(encode_state_changes(changes of block n))), with the digest before block 0 all zero.
// Two nodes with the same digest applied the same changes in the same order.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "crypto/sha256.hpp"

namespace pv {

struct StateChange {
  std::string key;
  std::optional<Bytes> value;  // nullopt deletes the key
  friend bool operator==(const StateChange&, const StateChange&) = default;
};

// Read access to committed state.
class StateView {
 public:
  virtual ~StateView() = default;
  virtual std::optional<Bytes> get(const std::string& key) const = 0;
};

// Writes of one block on top of a committed view. Reads see earlier writes of the same block.
class StateOverlay : public StateView {
 public:
  explicit StateOverlay(const StateView& base) : base_(base) {}
  // An overlay on an overlay must be built from the base view, never copied: a copy would take
  // along every write of the block (and did, once: execution turned quadratic).
  StateOverlay(const StateOverlay&) = delete;
  StateOverlay& operator=(const StateOverlay&) = delete;
  std::optional<Bytes> get(const std::string& key) const override;
  void put(const std::string& key, Bytes value) { writes_[key] = std::move(value); }
  void erase(const std::string& key) { writes_[key] = std::nullopt; }
  // The block's changes, sorted by key, the last write to each key only.
  std::vector<StateChange> changes() const;

 private:
  const StateView& base_;
  std::map<std::string, std::optional<Bytes>> writes_;
};

// u32 count, then per change: var key, u8 present (0/1), var value when present.
Bytes encode_state_changes(const std::vector<StateChange>& sorted_changes);
Hash32 chain_state_digest(const Hash32& previous, const std::vector<StateChange>& sorted_changes);

}  // namespace pv
