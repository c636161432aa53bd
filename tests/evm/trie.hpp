#pragma once
// The root of a Merkle-Patricia trie (yellow paper, appendix D) built at once from all its
// entries: hex-prefix encoded paths, leaf/extension/branch nodes, nodes under 32 bytes inlined.

#include <map>

#include "evm/types.hpp"

namespace pv::evm::test {

// keccak256(rlp("")) = 0x56e81f17...b421.
Bytes32 trie_root(const std::map<Bytes, Bytes>& entries);

}  // namespace pv::evm::test
