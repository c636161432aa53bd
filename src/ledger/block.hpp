#pragma once
// Blocks: an ordered batch of transactions with the verdict on each, sealed by a header that
// commits to the Merkle log and the state after the block. Consensus-critical. Format:
// docs/encoding.md.
//
// The block hash covers the header only; the header commits to the body through
// `tx_results_hash` (transactions and verdicts) and `log_root` (every transaction ever committed).
// The node's seal (signature over the block hash) is kept outside the hash, so that nodes that
// derive a block from the same ordered input produce byte-identical hashes and each seals it.

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/transaction.hpp"

namespace pv {

using BlockHash = Hash32;

inline constexpr std::uint8_t kBlockVersion = 1;
inline constexpr std::size_t kMaxBlockTransactions = 100'000;
inline constexpr std::size_t kMaxReasonBytes = 512;

// Validity code of one transaction in a block. Values are part of the encoding: never renumber.
enum class TxCode : std::uint16_t {
  valid = 0,
  malformed = 1,       // payload does not decode for its type
  bad_signature = 2,
  unknown_type = 3,
  stale_nonce = 4,     // nonce not above the signer's last committed nonce (includes replays)
  duplicate = 5,       // same transaction id already committed
  expired = 6,         // created too long before the block time
  from_future = 7,     // created too far after the block time
  rejected = 8,        // the type's own rule refused it (reason says which)
  unauthorized = 9,    // signer may not submit this type
};
const char* tx_code_name(TxCode code);

struct TxResult {
  TxCode code = TxCode::valid;
  std::string reason;  // empty when valid; short, human-readable, deterministic
};

struct BlockHeader {
  std::uint8_t version = kBlockVersion;
  NetworkId network;
  std::uint64_t height = 0;
  BlockHash prev_hash;            // zero for block 0
  std::uint64_t time_ms = 0;      // set by the orderer; non-decreasing
  std::uint32_t tx_count = 0;
  Hash32 tx_results_hash;         // see tx_results_hash()
  std::uint64_t log_size = 0;     // Merkle log size after this block
  Hash32 log_root;                // Merkle log root after this block
  Hash32 state_digest;            // chained: see ledger/state_digest.hpp
};

// A node's signature over a block hash.
struct BlockSeal {
  PublicKey node_key;
  Signature signature;
};

struct Block {
  BlockHeader header;
  std::vector<Bytes> transactions;  // signed encodings, in order
  std::vector<TxResult> results;    // one per transaction
  BlockSeal seal;
};

Bytes encode_block_header(const BlockHeader& h);
[[nodiscard]] Result<BlockHeader> decode_block_header(ByteView encoded);
BlockHash block_hash(const BlockHeader& h);

// SHA-256 over, for each transaction in order: its id, its code, its reason.
Hash32 tx_results_hash(const std::vector<Bytes>& transactions, const std::vector<TxResult>& results);
// The same from the transactions' ids (transaction_id of each), when the caller has them.
Hash32 tx_results_hash_of_ids(const std::vector<TxId>& ids, const std::vector<TxResult>& results);

// Whole block: header, transactions, results, seal.
Bytes encode_block(const Block& b);
// Strict: also checks tx_count and results match the body and tx_results_hash matches.
// Does not check the seal or anything that needs state.
[[nodiscard]] Result<Block> decode_block(ByteView encoded);

// Seal domain: signature over "PatientVault block seal v1\0" || block hash.
BlockSeal seal_block(const BlockHeader& h, const SigningKey& node_key);
[[nodiscard]] Status verify_block_seal(const BlockHeader& h, const BlockSeal& seal);

}  // namespace pv
