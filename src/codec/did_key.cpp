#include "codec/did_key.hpp"

#include <algorithm>
#include <unordered_map>

namespace pv {
namespace {

constexpr char kBase58Alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr std::string_view kDidKeyPrefix = "did:key:z";
constexpr std::uint8_t kEd25519PubMulticodec[2] = {0xed, 0x01};

int base58_value(char c) {
  const char* p = std::find(kBase58Alphabet, kBase58Alphabet + 58, c);
  return p == kBase58Alphabet + 58 ? -1 : static_cast<int>(p - kBase58Alphabet);
}

}  // namespace

std::string base58btc_encode(ByteView data) {
  std::size_t zeros = 0;
  while (zeros < data.size() && data[zeros] == 0) ++zeros;
  // Base-256 to base-58 by repeated division; sizes here are tiny (keys, hashes).
  std::vector<std::uint8_t> digits;  // little-endian base-58 digits
  for (std::size_t i = zeros; i < data.size(); ++i) {
    int carry = data[i];
    for (auto& d : digits) {
      carry += d * 256;
      d = static_cast<std::uint8_t>(carry % 58);
      carry /= 58;
    }
    while (carry > 0) {
      digits.push_back(static_cast<std::uint8_t>(carry % 58));
      carry /= 58;
    }
  }
  std::string out(zeros, '1');
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out += kBase58Alphabet[*it];
  return out;
}

Result<Bytes> base58btc_decode(std::string_view text) {
  if (text.size() > 256) return make_error(Errc::too_large, "base58 string is too long");
  std::size_t ones = 0;
  while (ones < text.size() && text[ones] == '1') ++ones;
  std::vector<std::uint8_t> bytes;  // little-endian base-256
  for (std::size_t i = ones; i < text.size(); ++i) {
    int v = base58_value(text[i]);
    if (v < 0) return make_error(Errc::malformed, "character outside the base58btc alphabet");
    int carry = v;
    for (auto& b : bytes) {
      carry += b * 58;
      b = static_cast<std::uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push_back(static_cast<std::uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  Bytes out(ones, 0);
  out.insert(out.end(), bytes.rbegin(), bytes.rend());
  return out;
}

std::string did_key_from_public_key(const PublicKey& key) {
  Bytes raw(kEd25519PubMulticodec, kEd25519PubMulticodec + 2);
  raw.insert(raw.end(), key.bytes.begin(), key.bytes.end());
  return std::string(kDidKeyPrefix) + base58btc_encode(raw);
}

namespace {

Result<PublicKey> decode_did_key(std::string_view did);

// Signers repeat from transaction to transaction, and base58 is quadratic in the length:
// remember the last few thousand decodings per thread. Only successful decodings are kept, and
// the function is pure, so the cache changes no result.
class DidKeyCache {
 public:
  const PublicKey* find(std::string_view did) const {
    auto it = map_.find(std::string(did));
    return it == map_.end() ? nullptr : &it->second;
  }
  void add(std::string_view did, const PublicKey& key) {
    if (map_.size() >= kCapacity) map_.clear();
    map_.emplace(std::string(did), key);
  }

 private:
  static constexpr std::size_t kCapacity = 4096;
  std::unordered_map<std::string, PublicKey> map_;
};

}  // namespace

Result<PublicKey> public_key_from_did_key(std::string_view did) {
  thread_local DidKeyCache cache;
  if (const PublicKey* key = cache.find(did)) return *key;
  auto key = decode_did_key(did);
  if (key) cache.add(did, *key);
  return key;
}

namespace {

Result<PublicKey> decode_did_key(std::string_view did) {
  if (did.substr(0, kDidKeyPrefix.size()) != kDidKeyPrefix)
    return make_error(Errc::malformed, "not a base58btc did:key (expected \"did:key:z...\")");
  auto raw = base58btc_decode(did.substr(kDidKeyPrefix.size()));
  if (!raw) return raw.error();
  if (raw->size() != 34 || (*raw)[0] != kEd25519PubMulticodec[0] ||
      (*raw)[1] != kEd25519PubMulticodec[1])
    return make_error(Errc::malformed, "did:key is not an Ed25519 public key (multicodec 0xed01)");
  auto key = PublicKey::from(ByteView(*raw).subspan(2));
  if (!key) return key.error();
  // Only the one canonical spelling is accepted.
  if (did_key_from_public_key(*key) != did)
    return make_error(Errc::non_canonical, "did:key is not in canonical form");
  return key;
}

}  // namespace

}  // namespace pv
