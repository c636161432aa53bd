#pragma once
// The client-side steps of emergency access (docs/consent.md section 8), on top of Shamir
// sharing (crypto/secret_sharing.hpp) and sealed boxes (identity/key_wrap.hpp):
//   author:    split a record's data key k-of-n, share i sealed to custodian i's DID key;
//   custodian: open its share, seal (share || event id) to the emergency reader;
//   reader:    open each release, check it names this event, combine k shares.
// Shares only ever leave a process sealed to someone; callers wipe what they open.

#include <span>
#include <vector>

#include "crypto/secret_sharing.hpp"
#include "identity/key_wrap.hpp"
#include "ledger/emergency_payloads.hpp"

namespace pv {

// `data_key` split into custodian_keys.size() shares (threshold `threshold`), share i sealed to
// custodian_keys[i] (a DID's Ed25519 key), under policy `epoch`.
[[nodiscard]] Result<EmergencyShares> split_for_custodians(
    const SecretKey32& data_key, std::uint32_t epoch, std::size_t threshold,
    const std::vector<PublicKey>& custodian_keys);

// A custodian's share number `share` of a record, opened with the custodian's key.
[[nodiscard]] Result<SecretShare> open_custodian_share(const WrappedKey& sealed_share,
                                                       std::uint8_t share,
                                                       const SigningKey& custodian);

// The release payload: (share value || event id) sealed to `reader` (an Ed25519 DID key).
[[nodiscard]] Result<EmergencyRelease> seal_release(const TxId& event, std::uint32_t epoch,
                                                    const SecretShare& share,
                                                    const PublicKey& reader);

// Opens a release with the reader's key. Errc::bad_signature when it does not open or names
// another event than `event` (a share copied from another read), or another share number.
[[nodiscard]] Result<SecretShare> open_release(const EmergencyRelease& release, const TxId& event,
                                               const SigningKey& reader);

}  // namespace pv
