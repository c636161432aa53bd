#include "identity/emergency_shares.hpp"

#include <sodium.h>

namespace pv {

Result<EmergencyShares> split_for_custodians(const SecretKey32& data_key, std::uint32_t epoch,
                                             std::size_t threshold,
                                             const std::vector<PublicKey>& custodian_keys) {
  auto shares = split_secret(data_key, custodian_keys.size(), threshold);
  if (!shares) return shares.error();
  EmergencyShares out;
  out.epoch = epoch;
  Status failed = Status::ok();
  for (std::size_t i = 0; i < shares->size(); ++i) {
    SecretKey32 value = (*shares)[i].value;
    auto sealed = seal_key_to_ed25519(value, custodian_keys[i]);
    sodium_memzero(value.data(), value.size());
    if (!sealed) {
      failed = sealed.error();
      break;
    }
    out.shares.push_back({custodian_keys[i], *sealed});
  }
  for (auto& s : *shares) sodium_memzero(s.value.data(), s.value.size());
  if (!failed) return failed.error();
  return out;
}

Result<SecretShare> open_custodian_share(const WrappedKey& sealed_share, std::uint8_t share,
                                         const SigningKey& custodian) {
  if (!(sealed_share.recipient == custodian.public_key()))
    return make_error(Errc::unauthorized, "share " + std::to_string(share) +
                                              " is sealed to another key than this custodian's");
  auto opened = open_key(sealed_share.sealed, custodian);
  if (!opened) return opened.error();
  SecretShare out{share, *opened};
  sodium_memzero(opened->data(), opened->size());
  return out;
}

Result<EmergencyRelease> seal_release(const TxId& event, std::uint32_t epoch,
                                      const SecretShare& share, const PublicKey& reader) {
  crypto_init();
  auto x = x25519_from_ed25519(reader);
  if (!x) return x.error();
  std::array<std::uint8_t, kReleasePlainBytes> plain;
  std::copy(share.value.bytes.begin(), share.value.bytes.end(), plain.begin());
  std::copy(event.bytes.begin(), event.bytes.end(), plain.begin() + kShareBytes);
  EmergencyRelease r;
  r.event = event;
  r.share = share.number;
  r.epoch = epoch;
  r.recipient = reader;
  int rc = crypto_box_seal(r.sealed.data(), plain.data(), plain.size(), x->data());
  sodium_memzero(plain.data(), plain.size());
  if (rc != 0) return make_error(Errc::invalid_argument, "cannot seal to the reader's key");
  return r;
}

Result<SecretShare> open_release(const EmergencyRelease& release, const TxId& event,
                                 const SigningKey& reader) {
  crypto_init();
  if (!(release.recipient == reader.public_key()))
    return make_error(Errc::unauthorized, "the release is sealed to another key than the reader's");
  if (release.event != event)
    return make_error(Errc::bad_signature, "the release is for access event " +
                                               release.event.hex().substr(0, 16) + ", not " +
                                               event.hex().substr(0, 16));
  X25519KeyPair pair = X25519KeyPair::from_signing_key(reader);
  std::array<std::uint8_t, kReleasePlainBytes> plain;
  if (crypto_box_seal_open(plain.data(), release.sealed.data(), release.sealed.size(),
                           pair.public_key().data(), pair.secret().data()) != 0)
    return make_error(Errc::bad_signature,
                      "released share " + std::to_string(release.share) +
                          " does not open with the reader's key (not sealed to it, or altered)");
  SecretShare out;
  out.number = release.share;
  std::copy(plain.begin(), plain.begin() + kShareBytes, out.value.bytes.begin());
  const bool same_event = std::equal(plain.begin() + kShareBytes, plain.end(), event.bytes.begin());
  sodium_memzero(plain.data(), plain.size());
  if (!same_event) {
    sodium_memzero(out.value.data(), out.value.size());
    return make_error(Errc::bad_signature,
                      "released share " + std::to_string(release.share) +
                          " was sealed for another access event; it is refused");
  }
  return out;
}

}  // namespace pv
