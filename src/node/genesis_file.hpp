#pragma once
// The genesis file: the human-edited JSON form of ledger/genesis.hpp.
//
// {
//   "network": "pv-local",
//   "time": 1763856000000,                      // Unix ms
//   "organizations": [
//     {"did": "did:key:z6Mk...", "name": "St Mary's Hospital", "role": "provider",
//      "nodeKeys": ["did:key:z6Mk..."],        // node keys as did:key
//      "admins": ["did:key:z6Mk..."]}          // optional; default [did]
//   ],
//   "membershipThreshold": {"numerator": 1, "denominator": 2}   // optional; this default
// }

#include <string>

#include "ledger/genesis.hpp"

namespace pv {

[[nodiscard]] Result<Genesis> read_genesis_file(const std::string& path);
[[nodiscard]] Result<Genesis> parse_genesis_json(std::string_view text);
std::string genesis_to_json(const Genesis& g);

// A one-organization, one-node development network.
Genesis development_genesis(const std::string& network, const PublicKey& node_key, std::uint64_t time_ms);

}  // namespace pv
