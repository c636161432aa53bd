#pragma once
// Zero-knowledge attestations on the ledger (docs/zk.md section 10, docs/attestations.md): an
// issuer commits to named integer attributes of a patient (Pedersen commitments over P-256,
// zk/p256.hpp) and can later revoke the attestation. The ledger holds commitments, DIDs, a CID
// and a wrapped key only: the values and blinding factors (the openings) travel encrypted for
// the patient in the content store. Decoders are strict: one encoding per value, sizes bounded,
// names sorted and known to the schema, every commitment a canonical point other than the
// identity, trailing bytes refused.

#include <string>
#include <vector>

#include "ledger/consent_vocabulary.hpp"
#include "ledger/transaction.hpp"
#include "zk/p256.hpp"

namespace pv {

inline constexpr TxType kTxTypeAttestationIssue = 40;
inline constexpr TxType kTxTypeAttestationRevoke = 41;
inline constexpr std::uint8_t kAttestationPayloadVersion = 1;
// An attestation-issue signed by a practitioner carries the practitioner's ledger credential.
inline constexpr std::uint8_t kAttestationPayloadVersionPractitioner = 2;
inline constexpr std::size_t kMaxAttestationCredentialBytes = 16 * 1024;  // kMaxCompactJwsSize
inline constexpr std::size_t kMaxAttestationAttributes = 64;              // zk::kMaxCommitments
inline constexpr std::size_t kMaxAttributeNameBytes = 64;
inline constexpr std::size_t kMaxAttestationCidBytes = 128;

using AttestationId = Hash32;  // the issuing transaction's id

struct AttestedAttribute {
  std::string name;           // in the schema's table
  zk::PointBytes commitment;  // C = value·G + blinding·H
  friend bool operator==(const AttestedAttribute&, const AttestedAttribute&) = default;
};

// Type 40, "attestation-issue", signed by the issuing organization (version 1) or by one of its
// practitioners (version 2, with the practitioner's ledger credential). Layout:
// "PVAT" ‖ u8 version ‖ var patient ‖ var schema ‖ u8 count ‖ count × (var name ‖ bytes[33])
// ‖ var openings CID ‖ bytes[32] recipient ‖ bytes[80] sealed data key
// [version 2: ‖ var credential, a non-empty VC-JWT in the ledger form (ledger/vc_jwt.hpp)].
struct AttestationIssue {
  std::string patient;                        // a person DID (canonical did:key or did:pv)
  std::string schema;                         // "pv-attributes-v1"
  std::vector<AttestedAttribute> attributes;  // 1..64, names strictly increasing
  Bytes openings_cid;                         // binary CIDv1 of the encrypted openings blob
  WrappedKey openings_key;  // the blob's data key sealed to one of the patient's keys
  std::string credential;   // empty when the organization signs; else the signer's credential
  friend bool operator==(const AttestationIssue&, const AttestationIssue&) = default;
};

enum class AttestationRevokeReason : std::uint8_t {
  unspecified = 0,
  issued_in_error = 1,
  superseded = 2,
  withdrawn = 3,
};
inline constexpr std::uint8_t kMaxAttestationRevokeReason = 3;
std::string_view attestation_revoke_reason_name(AttestationRevokeReason r);
[[nodiscard]] Result<AttestationRevokeReason> parse_attestation_revoke_reason(std::string_view s);

// Type 41, "attestation-revoke": "PVAR" ‖ u8 version ‖ bytes[32] attestation id ‖ u8 reason.
struct AttestationRevoke {
  AttestationId attestation;
  AttestationRevokeReason reason = AttestationRevokeReason::unspecified;
  friend bool operator==(const AttestationRevoke&, const AttestationRevoke&) = default;
};

Bytes encode_attestation_issue(const AttestationIssue& a);
[[nodiscard]] Result<AttestationIssue> decode_attestation_issue(ByteView payload);
Bytes encode_attestation_revoke(const AttestationRevoke& r);
[[nodiscard]] Result<AttestationRevoke> decode_attestation_revoke(ByteView payload);

// The commitments of a decoded attestation as group elements, in payload order (the attribute
// indices of zk::Claim). Cannot fail for a payload that decoded; returns the error otherwise.
[[nodiscard]] Result<std::vector<zk::Point>> attestation_commitments(const AttestationIssue& a);
// The index of `name` in the attestation; nullopt when it holds no such attribute.
std::optional<std::uint32_t> attestation_attribute_index(const AttestationIssue& a,
                                                         std::string_view name);

}  // namespace pv
