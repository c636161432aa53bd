#pragma once
// A deliberately plain RFC 9162 section 2.1 Merkle tree, written straight from the recursive
// definitions (MTH, PATH, PROOF/SUBPROOF) over an in-memory list of leaf hashes. It is slow
// (O(n) per call) and exists only to cross-check the fast, storage-backed implementation.

#include <bit>
#include <cstdint>
#include <span>
#include <vector>

#include "ledger/merkle.hpp"

namespace pv::reference {

using Leaves = std::span<const Hash32>;  // leaf hashes, i.e. already HASH(0x00 || d)

// k: the largest power of two smaller than n. REQUIRES: n > 1.
inline std::size_t split(std::size_t n) {
  std::size_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// MTH(D[n]).
inline Hash32 mth(Leaves d) {
  if (d.empty()) return merkle_empty_root();
  if (d.size() == 1) return d[0];
  std::size_t k = split(d.size());
  return merkle_node_hash(mth(d.subspan(0, k)), mth(d.subspan(k)));
}

// PATH(m, D[n]). REQUIRES: m < n.
inline std::vector<Hash32> path(std::size_t m, Leaves d) {
  if (d.size() == 1) return {};
  std::size_t k = split(d.size());
  std::vector<Hash32> out;
  if (m < k) {
    out = path(m, d.subspan(0, k));
    out.push_back(mth(d.subspan(k)));
  } else {
    out = path(m - k, d.subspan(k));
    out.push_back(mth(d.subspan(0, k)));
  }
  return out;
}

// SUBPROOF(m, D[n], b). REQUIRES: 0 < m <= n.
inline std::vector<Hash32> subproof(std::size_t m, Leaves d, bool b) {
  if (m == d.size()) {
    if (b) return {};
    return {mth(d)};
  }
  std::size_t k = split(d.size());
  std::vector<Hash32> out;
  if (m <= k) {
    out = subproof(m, d.subspan(0, k), b);
    out.push_back(mth(d.subspan(k)));
  } else {
    out = subproof(m - k, d.subspan(k), false);
    out.push_back(mth(d.subspan(0, k)));
  }
  return out;
}

// PROOF(m, D[n]). REQUIRES: 0 < m <= n.
inline std::vector<Hash32> proof(std::size_t m, Leaves d) {
  return subproof(m, d, true);
}

}  // namespace pv::reference
