#pragma once
// The genesis of a network: its name, its start time and its member organizations with their
// node keys. Block 0 is derived from it deterministically; its canonical encoding's SHA-256 is
// the network id that every transaction signature binds to.

#include <string>
#include <vector>

#include "ledger/block.hpp"
#include "ledger/org_state.hpp"
#include "ledger/portal_config.hpp"
#include "ledger/state.hpp"

namespace pv {

struct GenesisOrganization {
  std::string did;   // the organization's DID
  std::string name;  // display name, e.g. "St Mary's Hospital" (an organization, not a person)
  std::string role;  // provider | insurer | regulator | ...
  std::vector<PublicKey> node_keys;  // Ed25519 keys of the nodes it runs
  // DIDs that approve membership changes for it; the genesis file defaults them to [did].
  std::vector<std::string> admins;
};

struct Genesis {
  std::string network;  // network name, e.g. "pv-local"
  std::uint64_t time_ms = 0;
  std::vector<GenesisOrganization> organizations;
  ApprovalThreshold membership_threshold;  // default: a strict majority of organizations
  PortalConfig portal;  // the patient portal's origins and RP ID; empty: passkeys cannot sign
};

inline constexpr std::size_t kMaxGenesisBytes = 1024 * 1024;

Bytes encode_genesis(const Genesis& g);
[[nodiscard]] Result<Genesis> decode_genesis(ByteView encoded);
// Checks names, roles, DIDs, admins and keys (ledger/org_state.hpp); at least one organization
// with one node key; no key twice; a valid approval threshold.
[[nodiscard]] Status check_genesis(const Genesis& g);
NetworkId genesis_network_id(const Genesis& g);
// The origin line of the network's checkpoints, also the name of every node's checkpoint key:
// "patientvault/<network>/<first 16 hex digits of the network id>".
std::string checkpoint_origin(const Genesis& g);

// State written by block 0: the membership record, one entry per organization and per node key
// (ledger/org_state.hpp).
std::vector<StateChange> genesis_state_changes(const Genesis& g);
// Block 0 (unsealed): no transactions, empty log, state digest of the genesis changes.
Block make_genesis_block(const Genesis& g);

}  // namespace pv
