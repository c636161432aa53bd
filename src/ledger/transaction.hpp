#pragma once
// The transaction envelope: what a client signs and the ledger orders. Consensus-critical: every
// node must encode, decode and hash it identically. Format: docs/encoding.md.

#include <cstdint>
#include <string>

#include "crypto/ed25519.hpp"
#include "crypto/sha256.hpp"

namespace pv {

using TxId = Hash32;          // SHA-256 of the signed encoding
using NetworkId = Hash32;     // SHA-256 of the canonical genesis encoding
using TxType = std::uint16_t; // registered in ledger/tx_registry.hpp

inline constexpr std::uint8_t kTxVersion = 1;
inline constexpr std::size_t kMaxTxBytes = 64 * 1024;     // whole signed encoding
inline constexpr std::size_t kMaxPayloadBytes = 60 * 1024;
inline constexpr std::size_t kMaxSignerBytes = 256;       // a DID

struct Transaction {
  TxType type = 0;
  std::string signer;           // did:key of an Ed25519 key, or a did:pv key URL (did:pv:...#key-1)
  std::uint64_t nonce = 0;      // must exceed the signer's last committed nonce
  std::uint64_t created_ms = 0; // Unix time in milliseconds, set by the signer
  Bytes payload;                // type-specific canonical encoding
  Signature signature;          // Ed25519 over signing_message(network, tx)
};

// The bytes the signer signs: a domain tag, the network id (so a transaction cannot be replayed
// on another network) and the unsigned encoding.
Bytes signing_message(const NetworkId& network, const Transaction& tx);

// The canonical signed encoding (unsigned fields then the 64-byte signature).
Bytes encode_transaction(const Transaction& tx);
// Strict: rejects a wrong version, truncation, oversize fields, trailing bytes, a signer that is
// not a canonical DID. Does not check the signature.
[[nodiscard]] Result<Transaction> decode_transaction(ByteView encoded);

inline TxId transaction_id(ByteView encoded) { return sha256(encoded); }

// Fills in tx.signature with `key` (whose did:key must be tx.signer).
void sign_transaction(const NetworkId& network, const SigningKey& key, Transaction& tx);

// Checks the signature against the signer's did:key. Stateless: needs no ledger state. A did:pv
// signer fails here: its key is resolved from state (ledger/signer.hpp).
[[nodiscard]] Status verify_transaction_signature(const NetworkId& network, const Transaction& tx);
// Checks the signature against a key the caller resolved.
[[nodiscard]] Status verify_transaction_signature(const NetworkId& network, const Transaction& tx,
                                                  const PublicKey& key);

}  // namespace pv
