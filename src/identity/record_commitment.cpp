#include "identity/record_commitment.hpp"

#include <sodium.h>

#include <cstdlib>

namespace pv {

SecretKey32 record_commitment_key(const SecretKey32& data_key) {
  auto okm = hkdf_sha256(data_key.view(), {}, as_bytes(kRecordCommitmentInfo), 32);
  if (!okm) std::abort();  // 32 bytes is always a valid length
  auto key = SecretKey32::from(*okm);
  sodium_memzero(okm->data(), okm->size());
  return *key;
}

Hash32 record_commitment(const SecretKey32& data_key, ByteView plaintext) {
  return RecordCommitment(data_key).update(plaintext).finish();
}

namespace {
// Wipes the derived key once the MAC has taken its copy.
struct WipedKey {
  SecretKey32 key;
  ~WipedKey() { sodium_memzero(key.data(), key.size()); }
};
}  // namespace

RecordCommitment::RecordCommitment(const SecretKey32& data_key)
    : mac_(WipedKey{record_commitment_key(data_key)}.key.view()) {}

}  // namespace pv
