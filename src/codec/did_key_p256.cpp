#include "codec/did_key_p256.hpp"

#include "codec/did_key.hpp"

namespace pv {
namespace {

constexpr std::string_view kDidKeyPrefix = "did:key:z";
// Varint of the multicodec code 0x1200 (p256-pub).
constexpr std::uint8_t kP256PubMulticodec[2] = {0x80, 0x24};

}  // namespace

std::string did_key_from_p256(const P256PublicKey& key) {
  Bytes raw(kP256PubMulticodec, kP256PubMulticodec + 2);
  raw.insert(raw.end(), key.view().begin(), key.view().end());
  return std::string(kDidKeyPrefix) + base58btc_encode(raw);
}

Result<P256PublicKey> p256_from_did_key(std::string_view did) {
  if (did.substr(0, kDidKeyPrefix.size()) != kDidKeyPrefix)
    return make_error(Errc::malformed, "not a base58btc did:key (expected \"did:key:z...\")");
  auto raw = base58btc_decode(did.substr(kDidKeyPrefix.size()));
  if (!raw) return raw.error();
  if (raw->size() < 2 || (*raw)[0] != kP256PubMulticodec[0] || (*raw)[1] != kP256PubMulticodec[1])
    return make_error(Errc::malformed, "did:key is not a P-256 public key (multicodec 0x1200)");
  const ByteView key_bytes = ByteView(*raw).subspan(2);
  if (key_bytes.size() == kP256UncompressedSize)
    return make_error(Errc::non_canonical,
                      "did:key P-256 key must be SEC1 compressed (33 bytes), not uncompressed");
  if (key_bytes.size() != kP256CompressedSize)
    return make_error(Errc::malformed, "did:key P-256 key must be 33 bytes, got " +
                                           std::to_string(key_bytes.size()));
  auto key = P256PublicKey::from_compressed(key_bytes);
  if (!key) return key.error();
  // Only the one canonical spelling is accepted (base58 leading '1's, for instance).
  if (did_key_from_p256(*key) != did)
    return make_error(Errc::non_canonical, "did:key is not in canonical form");
  return key;
}

}  // namespace pv
