#pragma once
// What a node has committed, as it publishes it in etcd for its peers: the etcd revision its
// ledger has applied, the height and hash of its head block at that point, and the URL of its
// HTTP API. Signed with the node key. Peers use the records to compact etcd to the revision
// every node has committed, to find where a node that fell behind a compaction can catch up from
// (height and hash to fetch and check, revision to follow etcd from), and to find each other
// for checkpoint exchange.
//
// Encoding: "PVPROG01" | node key (32) | revision u64 | height u64 | block hash (32) |
//           u32 length | url | Ed25519 signature over everything before it (64)

#include <cstdint>
#include <set>
#include <string>

#include "crypto/ed25519.hpp"
#include "ledger/block.hpp"

namespace pv {

struct ProgressRecord {
  PublicKey node_key;
  std::uint64_t revision = 0;
  std::uint64_t height = 0;
  BlockHash block_hash;
  std::string url;  // the node's API base URL, e.g. http://127.0.0.1:7601
};

Bytes encode_progress_record(const ProgressRecord& record, const SigningKey& key);
// Checks the form, that the key is in `members` and the signature.
[[nodiscard]] Result<ProgressRecord> decode_progress_record(ByteView encoded,
                                                            const std::set<PublicKey>& members);

}  // namespace pv
