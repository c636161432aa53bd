#include "ordering/node_batch.hpp"

#include <cstring>

#include "codec/binary.hpp"

namespace pv {
namespace {
constexpr char kMagic[8] = {'P', 'V', 'B', 'A', 'T', 'C', 'H', '1'};
constexpr std::size_t kHeaderBytes = 8 + 32 + 32 + 8 + 8 + 4;
}  // namespace

std::size_t node_batch_size(std::size_t count, std::size_t tx_bytes) {
  return kHeaderBytes + 4 * count + tx_bytes + Signature::size();
}

Bytes encode_node_batch(const NetworkId& network, const NodeBatch& batch, const SigningKey& key) {
  BinaryWriter w;
  std::size_t tx_bytes = 0;
  for (const auto& tx : batch.transactions) tx_bytes += tx.size();
  w.reserve(node_batch_size(batch.transactions.size(), tx_bytes));
  w.raw(as_bytes(std::string_view(kMagic, sizeof kMagic)));
  w.fixed(network);
  w.fixed(key.public_key());
  w.u64(batch.seq);
  w.u64(batch.time_ms);
  w.u32(static_cast<std::uint32_t>(batch.transactions.size()));
  for (const auto& tx : batch.transactions) w.var(tx);
  Signature sig = key.sign(w.bytes());
  w.fixed(sig);
  return w.take();
}

Result<NodeBatch> decode_node_batch(ByteView encoded, const NetworkId& network,
                                    const std::set<PublicKey>& members) {
  if (encoded.size() > kMaxNodeBatchBytes)
    return make_error(Errc::too_large, "node batch is " + std::to_string(encoded.size()) +
                                           " bytes, over " + std::to_string(kMaxNodeBatchBytes));
  if (encoded.size() < node_batch_size(0, 0))
    return make_error(Errc::malformed, "node batch is truncated");
  if (std::memcmp(encoded.data(), kMagic, sizeof kMagic) != 0)
    return make_error(Errc::malformed, "not a node batch (bad magic)");
  BinaryReader r(encoded.subspan(sizeof kMagic));
  auto net = r.fixed<32>("network id");
  if (!net) return net.error();
  if (*net != network)
    return make_error(Errc::invalid_argument, "node batch is for another network");
  auto key = r.fixed<32>("node key");
  if (!key) return key.error();
  if (!members.count(*key))
    return make_error(Errc::unauthorized,
                      "node batch signed by " + key->hex().substr(0, 16) +
                          "..., which is not a node key of the genesis membership");
  NodeBatch batch;
  batch.node_key = *key;
  auto seq = r.u64("seq");
  if (!seq) return seq.error();
  auto time = r.u64("time");
  if (!time) return time.error();
  auto count = r.u32("transaction count");
  if (!count) return count.error();
  batch.seq = *seq;
  batch.time_ms = *time;
  // Each transaction takes at least its 4-byte length: bounds the reservation by the input.
  if (*count > r.remaining() / 4)
    return make_error(Errc::malformed, "node batch transaction count exceeds its size");
  batch.transactions.reserve(*count);
  for (std::uint32_t i = 0; i < *count; ++i) {
    auto tx = r.var(kMaxTxBytes, "transaction");
    if (!tx) return tx.error();
    batch.transactions.emplace_back(tx->begin(), tx->end());
  }
  std::size_t signed_len = sizeof kMagic + r.position();
  auto sig = r.fixed<64>("signature");
  if (!sig) return sig.error();
  PV_TRY(r.expect_end("node batch"));
  if (!ed25519_verify(*key, encoded.subspan(0, signed_len), *sig))
    return make_error(Errc::bad_signature, "node batch signature does not verify");
  return batch;
}

}  // namespace pv
