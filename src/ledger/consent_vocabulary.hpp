#pragma once
// The shared vocabulary of records, consent and access (docs/consent.md): FHIR R4 Consent
// actions, HL7 v3 PurposeOfUse codes, record categories, the DIDs that may appear in these
// payloads, and a key sealed to a recipient. Consensus-critical: every check here decides
// validity.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/state.hpp"
#include "ledger/transaction.hpp"

namespace pv {

using RecordId = Hash32;   // the id of the record-anchor transaction
using ConsentId = Hash32;  // the id of the consent-grant transaction

// A 32-byte secret sealed with crypto_box_seal (48 bytes of overhead) to one X25519 key.
inline constexpr std::size_t kSealedKeySize = 80;
using SealedKeyBox = FixedBytes<kSealedKeySize>;

// A key sealed to a DID's key-agreement key: `recipient` is the Ed25519 key of the DID whose
// X25519 counterpart it was sealed to, so the holder knows which of its keys opens it.
struct WrappedKey {
  PublicKey recipient;
  SealedKeyBox sealed;
  friend bool operator==(const WrappedKey&, const WrappedKey&) = default;
};

// FHIR R4 consent-action codes (http://terminology.hl7.org/CodeSystem/consentaction), one bit
// each. A grant holds a set; a request asks for exactly one.
enum class ConsentAction : std::uint8_t {
  collect = 1,
  access = 2,
  use = 4,
  disclose = 8,
  correct = 16
};
inline constexpr std::uint8_t kAllConsentActions = 31;
std::string_view consent_action_code(ConsentAction a);
[[nodiscard]] Result<ConsentAction> parse_consent_action(std::string_view code);
// "access,use" for a bit set.
std::string consent_action_codes(std::uint8_t actions);

// HL7 v3 PurposeOfUse codes (v3-PurposeOfUse) that a consent may name. Sorted.
const std::vector<std::string_view>& known_purposes();
bool is_known_purpose(std::string_view code);
inline constexpr std::string_view kEmergencyPurpose = "ETREAT";

// A record's category: a FHIR R4 resource type ("Observation", "ImagingStudy", "Binary") or
// another token: 1 to 64 bytes of [A-Za-z0-9._-], starting with a letter or digit.
inline constexpr std::size_t kMaxCategoryBytes = 64;
[[nodiscard]] Status check_category(std::string_view category);

// A person's DID in these payloads: a canonical did:key or a bare did:pv.
inline constexpr std::size_t kMaxPersonDidBytes = 128;
[[nodiscard]] Status check_person_did(std::string_view did);
// An organization's DID: "did:" then 1..252 bytes of DID syntax ([A-Za-z0-9._:%-]).
inline constexpr std::size_t kMaxOrgDidBytes = 256;
[[nodiscard]] Status check_org_did(std::string_view did);

// The Ed25519 keys a DID currently holds: a did:key its one key, a did:pv the keys of its
// current document. Errc::not_found / Errc::forbidden (deactivated) / Errc::invalid_argument
// (a method whose keys the ledger cannot resolve).
[[nodiscard]] Result<std::vector<PublicKey>> current_keys_of(const StateView& state,
                                                             std::string_view did);
// Ok when `recipient` is one of `did`'s current keys; `what` names the wrapping in the error.
[[nodiscard]] Status check_recipient(const StateView& state, std::string_view did,
                                     const PublicKey& recipient, const std::string& what);

}  // namespace pv

namespace pv {

// Ok when `did` is a current member organization of the consortium (ledger state), otherwise
// Errc::forbidden saying so. The one place the consent rules ask about membership.
[[nodiscard]] Status check_member_organization(const StateView& state, std::string_view did);

}  // namespace pv
