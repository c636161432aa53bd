#pragma once
// A node batch: transactions one node accepted, signed with that node's key, as it is stored in
// etcd. Every node decodes each batch it reads from etcd and orders it in only if the signature
// verifies under a node key of the genesis membership and the batch is for this network; any
// other batch is skipped, identically on every node (the check depends on the bytes alone).
//
// Encoding (fixed-width big-endian, see codec/binary.hpp):
//   "PVBATCH1" | network id (32) | node key (32) | seq u64 | time_ms u64 |
//   u32 count | count x (u32 length | signed transaction) | Ed25519 signature (64)
// The signature covers every byte before it; the magic separates it from any other signature
// made with a node key.

#include <cstdint>
#include <set>
#include <vector>

#include "crypto/ed25519.hpp"
#include "ledger/transaction.hpp"

namespace pv {

// etcd refuses requests over 1.5 MiB; a batch stays well below, base64 and JSON included.
inline constexpr std::size_t kMaxNodeBatchBytes = 1024 * 1024;

struct NodeBatch {
  PublicKey node_key;
  std::uint64_t seq = 0;      // per node, increasing: names the batch in logs and metrics
  std::uint64_t time_ms = 0;  // the submitting node's clock when it cut the batch
  std::vector<Bytes> transactions;
};

// Bytes the batch takes for `tx_bytes` of transactions in `count` transactions.
std::size_t node_batch_size(std::size_t count, std::size_t tx_bytes);

Bytes encode_node_batch(const NetworkId& network, const NodeBatch& batch, const SigningKey& key);

// Decodes and verifies: magic, network, a node key in `members`, the signature, limits, no
// trailing bytes. Never crashes on bad input.
[[nodiscard]] Result<NodeBatch> decode_node_batch(ByteView encoded, const NetworkId& network,
                                                  const std::set<PublicKey>& members);

}  // namespace pv
