#pragma once
// Payloads of emergency access (docs/consent.md section 8; byte layouts in section 11):
// emergency-policy (35), signed by the patient, names the custodian organizations and the
// threshold that records anchored afterwards split their data keys under; emergency-release
// (36), signed by one custodian, re-seals that custodian's share of a record to the reader of a
// committed emergency access event. Decoders are strict like the other consent payloads.

#include "ledger/consent_payloads.hpp"

namespace pv {

// A custodian's share followed by the event id, sealed to the reader (crypto_box_seal: 48 bytes
// of overhead on 64).
inline constexpr std::size_t kReleasePlainBytes = 64;
inline constexpr std::size_t kSealedReleaseBytes = 48 + kReleasePlainBytes;
using SealedRelease = FixedBytes<kSealedReleaseBytes>;

// How long after an emergency access event custodians may still release for it.
inline constexpr std::uint64_t kEmergencyReleaseWindowMs = 24ull * 3600 * 1000;

// Type 35, signed by the patient.
struct EmergencyPolicy {
  std::uint32_t epoch = 0;              // previous + 1; 1 for the first
  std::uint8_t threshold = 0;           // 2..custodians
  std::vector<std::string> custodians;  // member provider organizations; 2..16, ascending
  friend bool operator==(const EmergencyPolicy&, const EmergencyPolicy&) = default;
};

// Type 36, signed by the custodian that `share` belongs to.
struct EmergencyRelease {
  TxId event;               // the emergency access event (type 33) released for
  std::uint8_t share = 0;   // share number: 1 + the custodian's position in the policy
  std::uint32_t epoch = 0;  // the policy epoch of the record's shares
  PublicKey recipient;      // the reader's Ed25519 key whose X25519 counterpart it is sealed to
  SealedRelease sealed;     // seal(share value || event id); v2: zero on the wire
  // Version 2 (docs/erasure.md, "Key envelopes"): the sealed share travels in a key envelope, a
  // content-store block whose binary CID this is, erased with the record; never through the
  // orderer. A node fills `sealed` from the envelope when it serves the release. Empty: v1.
  Bytes sealed_envelope;
  friend bool operator==(const EmergencyRelease&, const EmergencyRelease&) = default;
};

Bytes encode_emergency_policy(const EmergencyPolicy& p);
[[nodiscard]] Result<EmergencyPolicy> decode_emergency_policy(ByteView b);
Bytes encode_emergency_release(const EmergencyRelease& r);
[[nodiscard]] Result<EmergencyRelease> decode_emergency_release(ByteView b);

}  // namespace pv
