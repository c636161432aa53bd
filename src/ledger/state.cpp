#include "ledger/state.hpp"

#include "codec/binary.hpp"

namespace pv {

std::optional<Bytes> StateOverlay::get(const std::string& key) const {
  auto it = writes_.find(key);
  if (it != writes_.end()) return it->second;
  return base_.get(key);
}

std::vector<StateChange> StateOverlay::changes() const {
  std::vector<StateChange> out;
  out.reserve(writes_.size());
  for (const auto& [key, value] : writes_) out.push_back({key, value});
  return out;
}

Bytes encode_state_changes(const std::vector<StateChange>& sorted_changes) {
  BinaryWriter w;
  w.u32(static_cast<std::uint32_t>(sorted_changes.size()));
  for (const auto& c : sorted_changes) {
    w.var(c.key);
    w.u8(c.value ? 1 : 0);
    if (c.value) w.var(*c.value);
  }
  return w.take();
}

Hash32 chain_state_digest(const Hash32& previous, const std::vector<StateChange>& sorted_changes) {
  Hash32 changes_hash = sha256(encode_state_changes(sorted_changes));
  Sha256 h;
  h.update(std::string_view("PVSD1")).update(previous.view()).update(changes_hash.view());
  return h.finish();
}

}  // namespace pv
