#pragma once
// Payloads of the erasure transaction types (docs/erasure.md, "Transactions"; byte layouts in
// docs/encoding.md, "Erasure"). Every decoder is strict: magic and version first, enumerations
// closed, sizes bounded, trailing bytes refused.

#include <string>
#include <string_view>

#include "ledger/consent_vocabulary.hpp"

namespace pv {

inline constexpr TxType kTxTypeRecordErase = 37;
inline constexpr TxType kTxTypeLegalHold = 38;
inline constexpr TxType kTxTypeErasureReceipt = 39;
inline constexpr TxType kTxTypePseudonymsOnly = 42;

inline constexpr std::uint8_t kErasurePayloadVersion = 1;
// A ledger-form role credential (VC-JWT), as attestations bound it.
inline constexpr std::size_t kMaxOfficerCredentialBytes = 16 * 1024;

// The ledger-credential roles that may act on erasure.
inline constexpr std::string_view kDataProtectionOfficerRole = "data-protection-officer";
inline constexpr std::string_view kLegalOfficerRole = "legal-officer";

// Why a record is erased (GDPR Article 17(1) grounds, plus an officer's other ground).
enum class ErasureReason : std::uint8_t {
  patient_request = 1,
  consent_withdrawn = 2,
  unlawful_processing = 3,
  legal_obligation = 4,
  officer_other = 5,  // only with an officer's credential
};
inline constexpr std::uint8_t kMaxErasureReason = 5;
std::string_view erasure_reason_code(ErasureReason r);
[[nodiscard]] Result<ErasureReason> parse_erasure_reason(std::string_view code);

// Why erasure is held back (GDPR Article 17(3) exceptions).
enum class HoldReason : std::uint8_t {
  litigation = 1,
  public_health = 2,
  legal_claims = 3,
  archiving_public_interest = 4,
};
inline constexpr std::uint8_t kMaxHoldReason = 4;
std::string_view hold_reason_code(HoldReason r);
[[nodiscard]] Result<HoldReason> parse_hold_reason(std::string_view code);

// Type 37, signed by the record's patient (holder), or by a data-protection officer who then
// carries a ledger credential issued by the record's author organization.
struct RecordErase {
  RecordId record;
  ErasureReason reason = ErasureReason::patient_request;
  std::string credential;  // empty when the holder signs
  friend bool operator==(const RecordErase&, const RecordErase&) = default;
};

enum class HoldAction : std::uint8_t { place = 1, lift = 2 };

// Type 38, signed by a legal officer with a ledger credential of the holding organization.
struct LegalHold {
  HoldAction action = HoldAction::place;
  RecordId record;
  HoldReason reason = HoldReason::litigation;
  std::string credential;  // required
  friend bool operator==(const LegalHold&, const LegalHold&) = default;
};

// Type 39, signed by a member's node key after its eraser finished the record.
struct ErasureReceipt {
  RecordId record;
  TxId erase_tx;                        // the committed record-erase
  std::uint64_t done_height = 0;        // the node's ledger height when it finished
  std::uint32_t blocks_deleted = 0;     // content blocks whose bytes it removed
  std::uint32_t blocks_shared = 0;      // blocks kept because another live record uses them
  std::uint32_t key_slots_deleted = 0;  // wrapped keys and shares removed from state
  bool compacted = false;               // the forced bottommost compaction completed
  friend bool operator==(const ErasureReceipt&, const ErasureReceipt&) = default;
};

// Type 42, signed by a patient: from this block on, a record anchor naming her DID as the patient
// is refused, so that every new record of hers is under a pseudonym (`require`); `off` lifts it.
enum class PseudonymsOnlySetting : std::uint8_t { require = 1, off = 2 };
inline constexpr std::uint8_t kMaxPseudonymsOnlySetting = 2;
std::string_view pseudonyms_only_setting_code(PseudonymsOnlySetting s);
struct PseudonymsOnly {
  PseudonymsOnlySetting setting = PseudonymsOnlySetting::require;
  friend bool operator==(const PseudonymsOnly&, const PseudonymsOnly&) = default;
};

Bytes encode_record_erase(const RecordErase& e);
[[nodiscard]] Result<RecordErase> decode_record_erase(ByteView payload);
Bytes encode_legal_hold(const LegalHold& h);
[[nodiscard]] Result<LegalHold> decode_legal_hold(ByteView payload);
Bytes encode_erasure_receipt(const ErasureReceipt& r);
[[nodiscard]] Result<ErasureReceipt> decode_erasure_receipt(ByteView payload);
Bytes encode_pseudonyms_only(const PseudonymsOnly& p);
[[nodiscard]] Result<PseudonymsOnly> decode_pseudonyms_only(ByteView payload);

}  // namespace pv
