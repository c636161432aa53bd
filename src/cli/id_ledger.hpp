#pragma once
// The did:pv operations a wallet performs on the ledger (docs/did-pv.md): create, rotate and
// recover. Each builds the operation, signs it, submits it, waits until the ledger commits it as
// valid, and keeps the wallet file such that no key that may control the DID is ever lost:
//   - create writes the identity file first; if the ledger refuses, the file is removed (its
//     keys never controlled anything);
//   - rotate and recover first store the new keys next to the old ones (as device keys), then
//     submit, then make the new keys current. If the ledger refuses, the new keys are dropped
//     again; if pv is interrupted in between, the wallet still holds both, and acting picks
//     whichever key the DID document has (cli/acting.hpp).
// Key ids are "key-<version the operation creates>", so they never repeat within a DID.

#include <chrono>
#include <string_view>

#include "api/client.hpp"
#include "identity/wallet.hpp"

namespace pv::cli {

struct DidPvSession {
  Wallet& wallet;
  std::string_view passphrase;
  api::NodeClient& client;
  NetworkId network;
  std::chrono::milliseconds timeout{30'000};
};

// Creates the identity `name` in the wallet and its DID on the ledger (version 1, key-1).
[[nodiscard]] Result<IdentityMetadata> create_did_pv(DidPvSession& session, std::string_view name);

// Replaces the DID's device keys by one fresh key, signed by the current key. The old key stops
// signing anything the ledger or the API accepts.
[[nodiscard]] Result<IdentityMetadata> rotate_did_pv(DidPvSession& session,
                                                     const IdentityMetadata& identity,
                                                     const IdentitySecrets& secrets);

// Takes the DID back with the recovery key: a fresh device key replaces every device key, and
// the recovery key moves on to a fresh one (pre-rotation: the ledger keeps its hash).
[[nodiscard]] Result<IdentityMetadata> recover_did_pv(DidPvSession& session,
                                                      const IdentityMetadata& identity,
                                                      const IdentitySecrets& secrets);

// Deactivates the DID for good, signed by the current key: no key of it signs anything again.
[[nodiscard]] Status deactivate_did_pv(DidPvSession& session, const IdentityMetadata& identity,
                                       const IdentitySecrets& secrets);

}  // namespace pv::cli
