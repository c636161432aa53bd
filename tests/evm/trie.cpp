#include "trie.hpp"

#include "rlp.hpp"

namespace pv::evm::test {

namespace {
using Entry = std::pair<Bytes, const Bytes*>;  // key as nibbles, value

Bytes hex_prefix(const Bytes& nibbles, std::size_t from, std::size_t to, bool leaf) {
  const std::size_t n = to - from;
  Bytes out;
  std::uint8_t flag = leaf ? 2 : 0;
  if (n % 2 == 1) {
    out.push_back(static_cast<std::uint8_t>(((flag + 1) << 4) | nibbles[from]));
    ++from;
  } else {
    out.push_back(static_cast<std::uint8_t>(flag << 4));
  }
  for (std::size_t i = from; i < to; i += 2)
    out.push_back(static_cast<std::uint8_t>((nibbles[i] << 4) | nibbles[i + 1]));
  return out;
}

Bytes encode_node(const std::vector<Entry>& e, std::size_t lo, std::size_t hi, std::size_t depth);

// How a node is referred to from its parent: inline when its encoding is under 32 bytes.
Bytes reference(const Bytes& encoded) {
  if (encoded.size() < 32) return encoded;
  Bytes32 h = keccak256(encoded);
  return rlp_string(h.view());
}

Bytes encode_node(const std::vector<Entry>& e, std::size_t lo, std::size_t hi, std::size_t depth) {
  if (hi - lo == 1) {
    const Bytes& key = e[lo].first;
    return rlp_list({rlp_string(hex_prefix(key, depth, key.size(), true)), rlp_string(*e[lo].second)});
  }
  // Longest common prefix of the (sorted) keys from depth on: compare first and last.
  const Bytes& first = e[lo].first;
  const Bytes& last = e[hi - 1].first;
  std::size_t common = depth;
  while (common < first.size() && common < last.size() && first[common] == last[common]) ++common;
  if (common > depth) {
    Bytes child = encode_node(e, lo, hi, common);
    return rlp_list({rlp_string(hex_prefix(first, depth, common, false)), reference(child)});
  }
  std::vector<Bytes> items;
  std::size_t i = lo;
  Bytes value = rlp_string({});
  if (e[i].first.size() == depth) {  // a key ending here (not in tries with fixed-size keys)
    value = rlp_string(*e[i].second);
    ++i;
  }
  for (std::uint8_t nibble = 0; nibble < 16; ++nibble) {
    std::size_t j = i;
    while (j < hi && e[j].first[depth] == nibble) ++j;
    items.push_back(j == i ? rlp_string({}) : reference(encode_node(e, i, j, depth + 1)));
    i = j;
  }
  items.push_back(value);
  return rlp_list(items);
}
}  // namespace

Bytes32 trie_root(const std::map<Bytes, Bytes>& entries) {
  if (entries.empty()) return keccak256(rlp_string({}));
  std::vector<Entry> e;
  e.reserve(entries.size());
  for (const auto& [key, value] : entries) {
    Bytes nibbles;
    for (auto b : key) {
      nibbles.push_back(b >> 4);
      nibbles.push_back(b & 0x0f);
    }
    e.emplace_back(std::move(nibbles), &value);
  }
  // std::map orders bytes lexicographically, which is also the nibble order.
  return keccak256(encode_node(e, 0, e.size(), 0));
}

}  // namespace pv::evm::test
