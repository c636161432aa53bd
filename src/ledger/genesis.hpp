#pragma once
// The genesis of a network: its name, its start time and its member organizations with their
// node keys. Block 0 is derived from it deterministically; its canonical encoding's SHA-256 is
// the network id that every transaction signature binds to.

#include <string>
#include <vector>

#include "ledger/block.hpp"
#include "ledger/state.hpp"

namespace pv {

struct GenesisOrganization {
  std::string did;   // the organization's DID
  std::string name;  // display name, e.g. "St Mary's Hospital" (an organization, not a person)
  std::string role;  // provider | insurer | regulator | ...
  std::vector<PublicKey> node_keys;  // Ed25519 keys of the nodes it runs
};

struct Genesis {
  std::string network;  // network name, e.g. "pv-local"
  std::uint64_t time_ms = 0;
  std::vector<GenesisOrganization> organizations;
};

inline constexpr std::size_t kMaxGenesisBytes = 1024 * 1024;

Bytes encode_genesis(const Genesis& g);
[[nodiscard]] Result<Genesis> decode_genesis(ByteView encoded);
// Checks names, roles, DIDs and keys; at least one organization with one node key; no key twice.
[[nodiscard]] Status check_genesis(const Genesis& g);
NetworkId genesis_network_id(const Genesis& g);

// State written by block 0: one entry per organization and per node key.
std::vector<StateChange> genesis_state_changes(const Genesis& g);
// Block 0 (unsealed): no transactions, empty log, state digest of the genesis changes.
Block make_genesis_block(const Genesis& g);

// State keys.
std::string org_state_key(const std::string& did);
std::string node_key_state_key(const PublicKey& key);

}  // namespace pv
