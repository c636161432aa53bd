#include "identity/wallet_secrets.hpp"

#include <sodium.h>

#include <cstring>

namespace pv {
namespace {

constexpr std::uint8_t kLayoutVersion = 1;
constexpr std::size_t kHeader = 3;

void put_seed(SecretBytes& out, std::size_t& at, const SigningKey& key) {
  std::memcpy(out.data() + at, key.seed().data(), Seed::size());
  at += Seed::size();
}

SigningKey take_seed(ByteView plain, std::size_t& at) {
  Seed seed;
  std::memcpy(seed.data(), plain.data() + at, Seed::size());
  at += Seed::size();
  SigningKey key = SigningKey::from_seed(seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

}  // namespace

SecretBytes encode_identity_secrets(const IdentitySecrets& s) {
  std::size_t n = 1 + s.devices.size() + (s.recovery ? 1 : 0);
  SecretBytes out(kHeader + n * Seed::size());
  out.data()[0] = kLayoutVersion;
  out.data()[1] = static_cast<std::uint8_t>(s.devices.size());
  out.data()[2] = s.recovery ? 1 : 0;
  std::size_t at = kHeader;
  put_seed(out, at, s.current);
  for (const auto& d : s.devices) put_seed(out, at, d);
  if (s.recovery) put_seed(out, at, *s.recovery);
  return out;
}

Result<IdentitySecrets> decode_identity_secrets(ByteView plain) {
  auto bad = [] { return make_error(Errc::corruption, "wallet secrets have an unknown layout"); };
  if (plain.size() < kHeader || plain[0] != kLayoutVersion || plain[1] > kMaxDeviceKeys ||
      plain[2] > 1)
    return bad();
  std::size_t devices = plain[1];
  bool has_recovery = plain[2] == 1;
  if (plain.size() != kHeader + (1 + devices + (has_recovery ? 1 : 0)) * Seed::size()) return bad();
  std::size_t at = kHeader;
  IdentitySecrets s{take_seed(plain, at), {}, std::nullopt};
  for (std::size_t i = 0; i < devices; ++i) s.devices.push_back(take_seed(plain, at));
  if (has_recovery) s.recovery = take_seed(plain, at);
  return s;
}

}  // namespace pv
