#pragma once
// A pseudonym pool: the public keys of record pseudonyms a patient hands to a hospital (a file,
// never on the ledger), so that its staff can anchor her records while she is away, each under a
// pseudonym of its own (docs/erasure.md, "Pseudonymous records"). Signed by the patient's DID
// key, so the hospital knows the pseudonyms are hers; the hospital marks the ones it has used in
// the same file (the `used` list is outside the signature).
//
// File (JSON): {"format":"pv-pseudonym-pool","version":1,"patient":DID,"issued":RFC3339,
//   "pseudonyms":[did:key...],"signature":base64 Ed25519,"used":[did:key...]}
// The signature covers pool_signing_bytes(): "PV-PSEUDONYM-POOL-V1\n" patient "\n" issued "\n"
// then each pseudonym DID followed by "\n".

#include <string>
#include <vector>

#include "base/result.hpp"
#include "crypto/ed25519.hpp"

namespace pv {

inline constexpr std::size_t kMaxPoolPseudonyms = 2048;

struct PseudonymPool {
  std::string patient;
  std::string issued;
  std::vector<std::string> pseudonyms;
  Signature signature;
  std::vector<std::string> used;
};

Bytes pool_signing_bytes(const PseudonymPool& pool);
PseudonymPool sign_pool(std::string patient, std::vector<std::string> pseudonyms,
                        const SigningKey& patient_key);
// True when one of `patient_keys` (the keys the patient's DID document lists) signed the pool.
[[nodiscard]] bool pool_signed_by(const PseudonymPool& pool,
                                  const std::vector<PublicKey>& patient_keys);

std::string encode_pool(const PseudonymPool& pool);
// Strict: every field present and typed, every pseudonym a did:key, no duplicates, used ⊆
// pseudonyms, at most kMaxPoolPseudonyms. Does not check the signature.
[[nodiscard]] Result<PseudonymPool> decode_pool(std::string_view text);

// The first pseudonym not yet used, or Errc::not_found with what to do.
[[nodiscard]] Result<std::string> next_unused(const PseudonymPool& pool);

}  // namespace pv
