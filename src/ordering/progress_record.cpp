#include "ordering/progress_record.hpp"

#include <cstring>

#include "codec/binary.hpp"

namespace pv {
namespace {
constexpr char kMagic[8] = {'P', 'V', 'P', 'R', 'O', 'G', '0', '1'};
constexpr std::size_t kMaxUrlBytes = 512;
}  // namespace

Bytes encode_progress_record(const ProgressRecord& record, const SigningKey& key) {
  BinaryWriter w;
  w.raw(as_bytes(std::string_view(kMagic, sizeof kMagic)));
  w.fixed(key.public_key());
  w.u64(record.revision);
  w.u64(record.height);
  w.fixed(record.block_hash);
  w.var(std::string_view(record.url));
  Signature sig = key.sign(w.bytes());
  w.fixed(sig);
  return w.take();
}

Result<ProgressRecord> decode_progress_record(ByteView encoded,
                                              const std::set<PublicKey>& members) {
  if (encoded.size() < sizeof kMagic || std::memcmp(encoded.data(), kMagic, sizeof kMagic) != 0)
    return make_error(Errc::malformed, "not a progress record (bad magic)");
  BinaryReader r(encoded.subspan(sizeof kMagic));
  ProgressRecord p;
  auto key = r.fixed<32>("node key");
  if (!key) return key.error();
  if (!members.count(*key))
    return make_error(Errc::unauthorized, "progress record from a key outside the membership");
  p.node_key = *key;
  auto rev = r.u64("revision");
  if (!rev) return rev.error();
  auto height = r.u64("height");
  if (!height) return height.error();
  auto hash = r.fixed<32>("block hash");
  if (!hash) return hash.error();
  auto url = r.text(kMaxUrlBytes, "url");
  if (!url) return url.error();
  p.revision = *rev;
  p.height = *height;
  p.block_hash = *hash;
  p.url = std::move(*url);
  std::size_t signed_len = sizeof kMagic + r.position();
  auto sig = r.fixed<64>("signature");
  if (!sig) return sig.error();
  PV_TRY(r.expect_end("progress record"));
  if (!ed25519_verify(*key, encoded.subspan(0, signed_len), *sig))
    return make_error(Errc::bad_signature, "progress record signature does not verify");
  return p;
}

}  // namespace pv
