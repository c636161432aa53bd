#include "ledger/block.hpp"

#include <algorithm>
#include <cassert>
#include <string_view>

#include "codec/binary.hpp"

namespace pv {
namespace {

constexpr std::string_view kHeaderMagic = "PVBH";
constexpr std::string_view kBlockMagic = "PVBK";
// Domain tag of the seal; the 0x00 after it keeps it prefix-free.
constexpr std::string_view kSealDomain = "PatientVault block seal v1";

// magic, version, network, height, prev_hash, time_ms, tx_count, tx_results_hash, log_size,
// log_root, state_digest.
constexpr std::size_t kHeaderBytes = 4 + 1 + 32 + 8 + 32 + 8 + 4 + 32 + 8 + 32 + 32;
// The smallest body entry: an empty transaction (u32 length) and its result (u16 code, u32
// length of an empty reason). Used to refuse counts the remaining bytes cannot hold before
// allocating anything for them.
constexpr std::size_t kMinEntryBytes = 4 + 2 + 4;
constexpr std::size_t kSealBytes = 32 + 64;
constexpr std::uint16_t kLastTxCode = static_cast<std::uint16_t>(TxCode::unauthorized);

Status check_magic(BinaryReader& r, std::string_view magic, const char* what) {
  auto got = r.raw(magic.size(), what);
  if (!got) return got.error();
  if (as_chars(*got) != magic)
    return make_error(Errc::malformed,
                      std::string(what) + " is not \"" + std::string(magic) + "\"");
  return Status::ok();
}

Result<TxResult> read_result(BinaryReader& r) {
  auto code = r.u16("block result code");
  if (!code) return code.error();
  if (*code > kLastTxCode)
    return make_error(Errc::malformed,
                      "block result code " + std::to_string(*code) + " is unknown");
  auto reason = r.text(kMaxReasonBytes, "block result reason");
  if (!reason) return reason.error();
  TxResult out{static_cast<TxCode>(*code), std::move(*reason)};
  // One canonical form: a valid transaction carries no reason.
  if (out.code == TxCode::valid && !out.reason.empty())
    return make_error(Errc::non_canonical, "block result reason must be empty for a valid code");
  return out;
}

}  // namespace

const char* tx_code_name(TxCode code) {
  switch (code) {
    case TxCode::valid:
      return "valid";
    case TxCode::malformed:
      return "malformed";
    case TxCode::bad_signature:
      return "bad-signature";
    case TxCode::unknown_type:
      return "unknown-type";
    case TxCode::stale_nonce:
      return "stale-nonce";
    case TxCode::duplicate:
      return "duplicate";
    case TxCode::expired:
      return "expired";
    case TxCode::from_future:
      return "from-future";
    case TxCode::rejected:
      return "rejected";
    case TxCode::unauthorized:
      return "unauthorized";
  }
  return "unknown";
}

Bytes encode_block_header(const BlockHeader& h) {
  BinaryWriter w;
  w.reserve(kHeaderBytes);
  w.raw(as_bytes(kHeaderMagic));
  w.u8(h.version);
  w.fixed(h.network);
  w.u64(h.height);
  w.fixed(h.prev_hash);
  w.u64(h.time_ms);
  w.u32(h.tx_count);
  w.fixed(h.tx_results_hash);
  w.u64(h.log_size);
  w.fixed(h.log_root);
  w.fixed(h.state_digest);
  return w.take();
}

Result<BlockHeader> decode_block_header(ByteView encoded) {
  BinaryReader r(encoded);
  PV_TRY(check_magic(r, kHeaderMagic, "block header magic"));
  BlockHeader h;
  auto version = r.u8("block header version");
  if (!version) return version.error();
  if (*version != kBlockVersion)
    return make_error(Errc::malformed,
                      "block header version " + std::to_string(*version) + " is not supported");
  h.version = *version;
  auto network = r.fixed<32>("block header network");
  if (!network) return network.error();
  h.network = *network;
  auto height = r.u64("block header height");
  if (!height) return height.error();
  h.height = *height;
  auto prev = r.fixed<32>("block header prev_hash");
  if (!prev) return prev.error();
  h.prev_hash = *prev;
  auto time = r.u64("block header time_ms");
  if (!time) return time.error();
  h.time_ms = *time;
  auto count = r.u32("block header tx_count");
  if (!count) return count.error();
  if (*count > kMaxBlockTransactions)
    return make_error(Errc::too_large, "block header tx_count " + std::to_string(*count) +
                                           " is over the limit of " +
                                           std::to_string(kMaxBlockTransactions));
  h.tx_count = *count;
  auto results_hash = r.fixed<32>("block header tx_results_hash");
  if (!results_hash) return results_hash.error();
  h.tx_results_hash = *results_hash;
  auto log_size = r.u64("block header log_size");
  if (!log_size) return log_size.error();
  h.log_size = *log_size;
  auto log_root = r.fixed<32>("block header log_root");
  if (!log_root) return log_root.error();
  h.log_root = *log_root;
  auto digest = r.fixed<32>("block header state_digest");
  if (!digest) return digest.error();
  h.state_digest = *digest;
  PV_TRY(r.expect_end("block header"));
  return h;
}

BlockHash block_hash(const BlockHeader& h) {
  return sha256(encode_block_header(h));
}

Hash32 tx_results_hash_of_ids(const std::vector<TxId>& ids, const std::vector<TxResult>& results) {
  // REQUIRES: one result per transaction.
  assert(ids.size() == results.size());
  const std::size_t n = std::min(ids.size(), results.size());
  Sha256 hasher;
  BinaryWriter entry;
  for (std::size_t i = 0; i < n; ++i) {
    entry.clear();
    entry.fixed(ids[i]);
    entry.u16(static_cast<std::uint16_t>(results[i].code));
    entry.var(results[i].reason);
    hasher.update(entry.bytes());
  }
  return hasher.finish();
}

Hash32 tx_results_hash(const std::vector<Bytes>& transactions,
                       const std::vector<TxResult>& results) {
  std::vector<TxId> ids;
  ids.reserve(transactions.size());
  for (const auto& tx : transactions) ids.push_back(transaction_id(tx));
  return tx_results_hash_of_ids(ids, results);
}

Bytes encode_block(const Block& b) {
  // REQUIRES: one result per transaction; the single count below describes both lists.
  assert(b.transactions.size() == b.results.size());
  std::size_t size = 4 + 4 + kHeaderBytes + 4 + kSealBytes;
  for (const auto& tx : b.transactions) size += 4 + tx.size();
  for (const auto& res : b.results) size += 2 + 4 + res.reason.size();
  BinaryWriter w;
  w.reserve(size);
  w.raw(as_bytes(kBlockMagic));
  w.var(encode_block_header(b.header));
  w.u32(static_cast<std::uint32_t>(b.transactions.size()));
  for (const auto& tx : b.transactions) w.var(tx);
  for (const auto& res : b.results) {
    w.u16(static_cast<std::uint16_t>(res.code));
    w.var(res.reason);
  }
  w.fixed(b.seal.node_key);
  w.fixed(b.seal.signature);
  return w.take();
}

Result<Block> decode_block(ByteView encoded) {
  BinaryReader r(encoded);
  PV_TRY(check_magic(r, kBlockMagic, "block magic"));
  auto header_bytes = r.var(kHeaderBytes, "block header");
  if (!header_bytes) return header_bytes.error();
  auto header = decode_block_header(*header_bytes);
  if (!header) return header.error();

  Block b;
  b.header = *header;
  auto count = r.u32("block transaction count");
  if (!count) return count.error();
  if (*count != b.header.tx_count)
    return make_error(Errc::malformed, "block transaction count " + std::to_string(*count) +
                                           " differs from header tx_count " +
                                           std::to_string(b.header.tx_count));
  // Invariant: *count <= kMaxBlockTransactions (checked by the header decoder), and nothing is
  // allocated for it until the remaining bytes could actually hold that many entries.
  if (*count > (r.remaining() - std::min(r.remaining(), kSealBytes)) / kMinEntryBytes)
    return make_error(Errc::malformed, "block transaction count " + std::to_string(*count) +
                                           " does not fit in the remaining " +
                                           std::to_string(r.remaining()) + " bytes");
  b.transactions.reserve(*count);
  b.results.reserve(*count);
  for (std::uint32_t i = 0; i < *count; ++i) {
    auto tx = r.var(kMaxTxBytes, "block transaction");
    if (!tx) return tx.error();
    b.transactions.emplace_back(tx->begin(), tx->end());
  }
  for (std::uint32_t i = 0; i < *count; ++i) {
    auto res = read_result(r);
    if (!res) return res.error();
    b.results.push_back(std::move(*res));
  }
  auto node_key = r.fixed<32>("block seal node key");
  if (!node_key) return node_key.error();
  b.seal.node_key = *node_key;
  auto signature = r.fixed<64>("block seal signature");
  if (!signature) return signature.error();
  b.seal.signature = *signature;
  PV_TRY(r.expect_end("block"));

  if (tx_results_hash(b.transactions, b.results) != b.header.tx_results_hash)
    return make_error(Errc::malformed, "block body does not match the header's tx_results_hash");
  return b;
}

namespace {
Bytes seal_message(const BlockHeader& h) {
  BinaryWriter w;
  w.raw(as_bytes(kSealDomain));
  w.u8(0x00);
  w.fixed(block_hash(h));
  return w.take();
}
}  // namespace

BlockSeal seal_block(const BlockHeader& h, const SigningKey& node_key) {
  return BlockSeal{node_key.public_key(), node_key.sign(seal_message(h))};
}

Status verify_block_seal(const BlockHeader& h, const BlockSeal& seal) {
  if (!ed25519_verify(seal.node_key, seal_message(h), seal.signature))
    return make_error(Errc::bad_signature, "block seal by node key " + seal.node_key.hex() +
                                               " does not verify for block height " +
                                               std::to_string(h.height));
  return Status::ok();
}

}  // namespace pv
