#pragma once
// Payloads of the record, consent and access transaction types (docs/consent.md; byte layouts in
// docs/encoding.md, "Records, consent and access"). Every decoder is strict: one encoding per
// value, sizes bounded, trailing bytes refused, lists sorted and free of duplicates.

#include <optional>
#include <string>
#include <vector>

#include "ledger/consent_vocabulary.hpp"

namespace pv {

class BinaryWriter;
class BinaryReader;

inline constexpr TxType kTxTypeRecordAnchor = 30;
inline constexpr TxType kTxTypeConsentGrant = 31;
inline constexpr TxType kTxTypeConsentRevoke = 32;
inline constexpr TxType kTxTypeAccessEvent = 33;
inline constexpr TxType kTxTypeCategoryKey = 34;
// Emergency access (docs/consent.md section 8): ledger/emergency_payloads.hpp.
inline constexpr TxType kTxTypeEmergencyPolicy = 35;
inline constexpr TxType kTxTypeEmergencyRelease = 36;

inline constexpr std::size_t kMaxCidBytes = 128;
inline constexpr std::size_t kMaxMediaTypeBytes = 127;
inline constexpr std::size_t kMaxConsentRecords = 64;
inline constexpr std::size_t kMaxConsentPurposes = 16;
inline constexpr std::size_t kMaxCategoryWraps = 256;
inline constexpr std::size_t kMaxAccessReasonBytes = 256;
inline constexpr std::size_t kMinCustodians = 2, kMaxCustodians = 16;

// The data key of a record sealed to the patient's category key of one epoch.
struct CategoryWrap {
  std::uint32_t epoch = 0;
  FixedBytes<32> category_key;  // the X25519 public key of that epoch
  SealedKeyBox sealed;
  friend bool operator==(const CategoryWrap&, const CategoryWrap&) = default;
};

// A record's data key split k-of-n (Shamir, crypto/secret_sharing.hpp) under the patient's
// emergency policy of `epoch`: share i (numbered i + 1) sealed to the policy's custodian i.
struct EmergencyShares {
  std::uint32_t epoch = 0;
  std::vector<WrappedKey> shares;  // kMinCustodians..kMaxCustodians, in custodian order
  friend bool operator==(const EmergencyShares&, const EmergencyShares&) = default;
};

// Type 30. The author is the signer; the record id is the transaction id.
struct RecordAnchor {
  std::string patient;       // person DID
  std::string organization;  // the author's member organization (DID)
  Bytes cid;                 // binary CIDv1 of the encrypted content
  Hash32 commitment;         // HMAC-SHA-256 of the plaintext (identity/record_commitment.hpp)
  std::string category;      // FHIR resource type or category token
  std::string media_type;    // "application/fhir+json", "application/dicom", ...
  std::uint64_t size = 0;    // plaintext bytes
  WrappedKey for_patient;
  WrappedKey for_author;
  std::optional<CategoryWrap> for_category;
  std::optional<EmergencyShares> emergency;  // required once the patient has an emergency policy
  // Version 2 (docs/erasure.md, "Key envelopes"): the transaction carries none of the four key
  // fields above. They travel in a key envelope, a content-store object whose binary CID is
  // `key_envelope`, replicated node to node and erased with the record, never through the
  // orderer. The anchor declares only what the envelope was sealed under, for the block rules.
  // A node fills the key fields from the envelope when it serves them
  // (ledger/record_key_envelope.hpp); until then they are empty.
  Bytes key_envelope;                        // empty: version 1, the keys are in the anchor
  std::uint32_t sealed_category_epoch = 0;   // v2: the category wrap's epoch, 0 for none
  std::uint32_t sealed_emergency_epoch = 0;  // v2: the emergency shares' epoch, 0 for none
  std::uint8_t sealed_emergency_shares = 0;  // v2: how many shares (0 with epoch 0)
  friend bool operator==(const RecordAnchor&, const RecordAnchor&) = default;
};

enum class GranteeKind : std::uint8_t { person = 1, organization = 2 };
enum class ScopeKind : std::uint8_t { records = 1, category = 2 };

// A record's data key sealed to the grantee.
struct RecordKeyGrant {
  RecordId record;
  WrappedKey key;  // v2 grants: empty on the wire, filled from the envelope when served
  // Version 2 grants (docs/erasure.md, "Key envelopes"): the binary CID of a content-store
  // object holding `key`, so the key never passes through the orderer and is erased with the
  // record. Empty in version 1 grants.
  Bytes key_envelope;
  friend bool operator==(const RecordKeyGrant&, const RecordKeyGrant&) = default;
};

// Type 31, signed by the patient. The consent id is the transaction id.
struct ConsentGrant {
  GranteeKind grantee_kind = GranteeKind::person;
  std::string grantee;
  ScopeKind scope = ScopeKind::records;
  std::vector<RecordId> records;                      // scope records: 1..64, ascending
  std::string category;                               // scope category
  std::uint8_t actions = 0;                           // ConsentAction bits, non-zero
  std::vector<std::string> purposes;                  // 1..16 known codes, ascending
  std::uint64_t not_before_ms = 0, not_after_ms = 0;  // [not_before, not_after)
  // Scope records: one per record, same order. Scope category: optional, for records of the
  // category anchored before it had a category key; ascending record ids.
  std::vector<RecordKeyGrant> record_keys;
  // Scope category: the current epoch's category secret sealed to the grantee.
  std::uint32_t category_epoch = 0;
  std::optional<WrappedKey> category_secret;
  friend bool operator==(const ConsentGrant&, const ConsentGrant&) = default;
};

// Type 32, signed by the patient.
struct ConsentRevoke {
  ConsentId consent;
};

// The new epoch's category secret sealed to the grantee of one active consent.
struct CategorySecretGrant {
  ConsentId consent;
  WrappedKey key;
  friend bool operator==(const CategorySecretGrant&, const CategorySecretGrant&) = default;
};

// Type 34, signed by the patient: a (new) category key pair for one category.
struct CategoryKeyUpdate {
  std::string category;
  std::uint32_t epoch = 0;                  // previous epoch + 1; 1 for the first
  FixedBytes<32> public_key;                // X25519
  std::vector<CategorySecretGrant> grants;  // ascending consent ids
  friend bool operator==(const CategoryKeyUpdate&, const CategoryKeyUpdate&) = default;
};

enum class AccessOutcome : std::uint8_t { permitted = 1, refused = 2 };
// Why a read was permitted (none for a refusal).
enum class AccessBasis : std::uint8_t {
  none = 0,
  patient = 1,
  author = 2,
  consent = 3,
  emergency = 4
};
std::string_view access_basis_name(AccessBasis b);

// Type 33, signed by a genesis node key: one decision about one read.
struct AccessEvent {
  std::string reader;               // person DID
  std::string reader_organization;  // organization the reader acted for; empty if none
  RecordId record;
  ConsentAction action = ConsentAction::access;
  std::string purpose;
  std::uint64_t decided_height = 0;  // the state the decision was made on
  AccessOutcome outcome = AccessOutcome::refused;
  AccessBasis basis = AccessBasis::none;
  ConsentId consent;   // basis consent
  Hash32 credential;   // basis emergency: SHA-256 of the presented credential
  std::string reason;  // refused: why (non-empty); permitted: empty
  // The keccak256 of the consent contract code that decided (docs/evm.md, "Governance"): one
  // that has been in force on this ledger. Zero for a decision of the native reference rules.
  Hash32 contract_code;
  friend bool operator==(const AccessEvent&, const AccessEvent&) = default;
};

Bytes encode_record_anchor(const RecordAnchor& a);
[[nodiscard]] Result<RecordAnchor> decode_record_anchor(ByteView b);
Bytes encode_consent_grant(const ConsentGrant& g);
[[nodiscard]] Result<ConsentGrant> decode_consent_grant(ByteView b);
Bytes encode_consent_revoke(const ConsentRevoke& r);
[[nodiscard]] Result<ConsentRevoke> decode_consent_revoke(ByteView b);
Bytes encode_category_key_update(const CategoryKeyUpdate& u);
[[nodiscard]] Result<CategoryKeyUpdate> decode_category_key_update(ByteView b);
Bytes encode_access_event(const AccessEvent& e);
[[nodiscard]] Result<AccessEvent> decode_access_event(ByteView b);

// A WrappedKey alone (112 bytes), as the state stores a category secret.
Bytes encode_wrapped(const WrappedKey& k);
[[nodiscard]] Result<WrappedKey> decode_wrapped(ByteView b);

// Shared by the codecs.
void write_wrapped_key(BinaryWriter& w, const WrappedKey& k);
[[nodiscard]] Result<WrappedKey> read_wrapped_key(BinaryReader& r, const char* what);
// The key section of a record (patient, author, category wrap, emergency shares): inside a
// version-1 anchor, or in a key envelope (ledger/record_key_envelope.hpp).
void write_record_keys(BinaryWriter& w, const RecordAnchor& a);
[[nodiscard]] Status read_record_keys(BinaryReader& r, RecordAnchor& a);

}  // namespace pv
