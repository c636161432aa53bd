#include "webauthn/credential_key.hpp"

#include <algorithm>

namespace pv::webauthn {
namespace {

// SEQUENCE(89) { SEQUENCE(19) { OID 1.2.840.10045.2.1, OID 1.2.840.10045.3.1.7 },
// BIT STRING(66) { 0 unused bits, ... } }.
constexpr std::uint8_t kP256SpkiPrefix[] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
                                            0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                            0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};

}  // namespace

Result<P256PublicKey> p256_key_from_spki(ByteView spki) {
  constexpr std::size_t prefix = sizeof kP256SpkiPrefix;
  if (spki.size() != prefix + kP256UncompressedSize ||
      !std::equal(kP256SpkiPrefix, kP256SpkiPrefix + prefix, spki.begin()))
    return make_error(Errc::malformed,
                      "not a P-256 SubjectPublicKeyInfo with an uncompressed point (91 bytes)");
  return P256PublicKey::from_uncompressed(spki.subspan(prefix));
}

}  // namespace pv::webauthn
