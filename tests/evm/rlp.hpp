#pragma once
// RLP (yellow paper, appendix B) for the state-test harness: enough to encode accounts, logs
// and trie nodes, and to decode a transaction's bytes.

#include <optional>
#include <vector>

#include "base/bytes.hpp"
#include "evm/uint256.hpp"

namespace pv::evm::test {

Bytes rlp_string(ByteView s);
Bytes rlp_uint(const uint256& v);  // minimal big-endian, zero as the empty string
Bytes rlp_list(const std::vector<Bytes>& encoded_items);

// A decoded item: a string, or a list of items.
struct RlpItem {
  bool is_list = false;
  Bytes bytes;  // for a string
  std::vector<RlpItem> items;
};
// Strict decoding of exactly one item; nullopt for anything malformed or non-canonical.
std::optional<RlpItem> rlp_decode(ByteView in);

}  // namespace pv::evm::test
