#include "node/startup_check.hpp"

namespace pv {

bool is_member_node(const StateView& state, const PublicKey& key) {
  return state.get(node_key_state_key(key)).has_value();
}

Status startup_check(const LedgerStore& store, const Genesis& genesis) {
  auto head = store.head();
  if (!head) return head.error();
  if (!*head) return make_error(Errc::corruption, "the ledger has no blocks");
  auto block0 = store.block(0);
  if (!block0) return block0.error();
  Block expected = make_genesis_block(genesis);
  if (encode_block_header(block0->header) != encode_block_header(expected.header))
    return make_error(Errc::corruption, "block 0 does not match the genesis");
  std::uint64_t h = **head;
  std::uint64_t lowest = h > kStartupChainDepth ? h - kStartupChainDepth : 0;
  std::optional<Block> newer;
  for (std::uint64_t height = h + 1; height-- > lowest;) {
    auto b = store.block(height);
    if (!b) return make_error(Errc::corruption, "block " + std::to_string(height) + ": " + b.error().message);
    if (b->header.height != height)
      return make_error(Errc::corruption, "block " + std::to_string(height) + " is stored under the wrong height");
    if (auto s = verify_block_seal(b->header, b->seal); !s)
      return make_error(Errc::corruption, "block " + std::to_string(height) + ": " + s.error().message);
    if (!is_member_node(store, b->seal.node_key))
      return make_error(Errc::corruption, "block " + std::to_string(height) + " is sealed by a key that is not a member node");
    if (newer && newer->header.prev_hash != block_hash(b->header))
      return make_error(Errc::corruption, "block " + std::to_string(height + 1) + " does not chain to block " +
                                              std::to_string(height));
    if (height == h) {
      auto root = merkle_root_at(store, b->header.log_size);
      if (!root || *root != b->header.log_root)
        return make_error(Errc::corruption, "the stored Merkle log does not reproduce the log root of block " +
                                                std::to_string(height));
    }
    newer = std::move(*b);
  }
  return Status::ok();
}

}  // namespace pv
