#include "ledger/anchor.hpp"

#include "codec/binary.hpp"

namespace pv {
namespace {
constexpr std::uint8_t kHashSha256 = 1;
}

Bytes encode_anchor(const DocumentAnchor& anchor) {
  BinaryWriter w;
  w.u8(kHashSha256);
  w.fixed(anchor.document_hash);
  return w.take();
}

Result<DocumentAnchor> decode_anchor(ByteView payload) {
  BinaryReader r(payload);
  auto alg = r.u8("anchor hash algorithm");
  if (!alg) return alg.error();
  if (*alg != kHashSha256) return make_error(Errc::malformed, "anchor hash algorithm must be 1 (SHA-256)");
  auto hash = r.fixed<32>("anchor document hash");
  if (!hash) return hash.error();
  PV_TRY(r.expect_end("anchor payload"));
  return DocumentAnchor{*hash};
}

}  // namespace pv
