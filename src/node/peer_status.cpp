#include "node/peer_status.hpp"

#include <nlohmann/json.hpp>

#include "ledger/checkpoint.hpp"
#include "storage/ledger_store.hpp"

namespace pv {

std::string peer_status_to_json(const PeerStatus& s) {
  nlohmann::json j = {{"height", s.height},
                      {"header", to_hex(encode_block_header(s.header))},
                      {"sealKey", s.seal.node_key.hex()},
                      {"seal", s.seal.signature.hex()},
                      {"checkpoint", s.checkpoint}};
  return j.dump();
}

Result<PeerStatus> peer_status_from_json(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j["height"].is_number_unsigned() ||
      !j["header"].is_string() || !j["sealKey"].is_string() || !j["seal"].is_string() ||
      !j["checkpoint"].is_string())
    return make_error(Errc::malformed,
                      "peer status is not {height, header, sealKey, seal, checkpoint}");
  PeerStatus s;
  s.height = j["height"].get<std::uint64_t>();
  auto raw = from_hex(j["header"].get<std::string>());
  if (!raw) return raw.error();
  auto header = decode_block_header(*raw);
  if (!header) return header.error();
  s.header = *header;
  auto key = PublicKey::from_hex(j["sealKey"].get<std::string>());
  if (!key) return key.error();
  auto sig = Signature::from_hex(j["seal"].get<std::string>());
  if (!sig) return sig.error();
  s.seal = {*key, *sig};
  s.checkpoint = j["checkpoint"].get<std::string>();
  return s;
}

Result<std::optional<std::string>> find_divergence(const LedgerStore& store,
                                                   std::uint64_t local_height,
                                                   const PublicKey& peer_key,
                                                   const std::string& origin,
                                                   const PeerStatus& peer) {
  if (peer.seal.node_key != peer_key)
    return make_error(Errc::unauthorized, "the header is sealed by another key");
  PV_TRY(verify_block_seal(peer.header, peer.seal));
  auto cp = open_checkpoint(peer.checkpoint, origin, peer_key);
  if (!cp) return cp.error();
  std::optional<std::string> out;
  if (peer.header.height <= local_height) {
    auto mine = store.block(peer.header.height);
    if (!mine) return mine.error();
    const BlockHeader& m = mine->header;
    if (block_hash(m) != block_hash(peer.header)) {
      std::string what = m.state_digest != peer.header.state_digest ? "state digest"
                         : m.log_root != peer.header.log_root       ? "log root"
                                                                    : "block contents";
      out = "block " + std::to_string(m.height) + " differs (" + what + "): here " +
            block_hash(m).hex() + ", peer " + block_hash(peer.header).hex();
      return out;
    }
  }
  auto head = store.block(local_height);
  if (!head) return head.error();
  if (cp->size <= head->header.log_size) {
    auto root = merkle_root_at(store, cp->size);
    if (!root) return root.error();
    if (*root != cp->root)
      out = "log root at size " + std::to_string(cp->size) + " differs: here " + root->hex() +
            ", peer " + cp->root.hex();
  }
  return out;
}

}  // namespace pv
