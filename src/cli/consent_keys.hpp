#pragma once
// The keys a wallet identity holds for records and consent (docs/consent.md, "How keys follow
// consent"), on the client only:
// - opening a key sealed to one of the identity's Ed25519 keys (its current key, or a device key
//   it kept), chosen by the wrap's recipient;
// - the patient's category key pairs. Their secrets are not stored anywhere: each is derived
//   from the patient's Ed25519 seed that created the epoch,
//       secret = HKDF-SHA-256(IKM = seed, salt = empty,
//                             info = "patientvault/v1/category-key/" || category || "/" || epoch,
//                             L = 32)
//   so the wallet that published an epoch can always recompute it, and a derived key is
//   checked against the public key on the ledger before use.

#include <string>

#include "cli/acting.hpp"
#include "identity/key_wrap.hpp"
#include "ledger/consent_payloads.hpp"

namespace pv::cli {

inline constexpr std::string_view kCategoryKeyInfo = "patientvault/v1/category-key/";

// The category key pair of (`category`, `epoch`) derived from `key`'s seed.
[[nodiscard]] Result<X25519KeyPair> derive_category_key(const SigningKey& key,
                                                        const std::string& category,
                                                        std::uint32_t epoch);

// The category key pair of `actor` whose public key is `expected` (the epoch's key on the
// ledger), trying each of the actor's keys. Errc::not_found when none derives it (the epoch was
// published from a key this wallet no longer holds).
[[nodiscard]] Result<X25519KeyPair> own_category_key(const Actor& actor,
                                                     const std::string& category,
                                                     std::uint32_t epoch,
                                                     const X25519PublicKey& expected);

// Opens `wrapped` with the actor's key whose public key is the wrap's recipient.
// Errc::unauthorized when the wrap is for a key this identity does not hold, or it does not open.
[[nodiscard]] Result<SecretKey32> open_wrapped(const Actor& actor, const WrappedKey& wrapped);

// Seals `secret` to `recipient` (a DID's Ed25519 key) as the ledger carries it.
[[nodiscard]] Result<WrappedKey> wrap_for(const SecretKey32& secret, const PublicKey& recipient);

}  // namespace pv::cli
