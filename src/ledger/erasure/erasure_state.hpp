#pragma once
// Erasure as the ledger state holds it (docs/erasure.md, "Transactions"). Written only by the
// rules in ledger/erasure/erasure_rules.hpp; read by them, by the node's read routes (410 Gone)
// and by its eraser.
//
// State keys (ids in lower-case hex):
//   "erased/<record>"                   ErasureTombstone
//   "hold/<record>"                     the record's active legal holds, by organization
//   "erasure-receipt/<record>/<node key hex>"  ErasureReceiptState
//   "erased-cid/<binary CIDv1 hex>"     the erased record's id: the gateway's 410 for its root
//   "pseudonyms-only/<patient DID>"     PseudonymsOnlyState: since when she refuses anchors
//                                       naming her DID (names her, never a record)
// List (ledger/consent_state.hpp): "ix/erased/all", every erased record id in commit order: the
// node's eraser walks it with a persisted cursor.
//
// Invariant: no value here names the patient. A tombstone says who erased only as a kind
// (holder) or as the officer's organization.

#include <optional>
#include <string>
#include <vector>

#include "ledger/consent_payloads.hpp"
#include "ledger/erasure/erasure_payloads.hpp"

namespace pv {

enum class ErasedBy : std::uint8_t { holder = 1, officer = 2 };
std::string_view erased_by_name(ErasedBy b);

struct ErasureTombstone {
  TxId erase_tx;
  std::uint64_t height = 0, time_ms = 0;  // the erasing block
  ErasedBy by = ErasedBy::holder;
  std::string officer_organization;  // by officer: the credential's issuer; else empty
  std::string record_organization;   // the record's author organization
  ErasureReason reason = ErasureReason::patient_request;
  Bytes cid;  // the erased content's root CID (binary CIDv1): the eraser's and gateway's input
  std::uint32_t key_slots = 0;  // wrapped keys and shares the state change deleted
  // The key envelopes (binary CIDs) of the record's keys: the eraser's input beside `cid`.
  std::vector<Bytes> key_envelopes;
  friend bool operator==(const ErasureTombstone&, const ErasureTombstone&) = default;
};

struct LegalHoldState {
  std::string organization;  // the holding organization (the credential's issuer)
  std::string officer;       // the signer's DID
  HoldReason reason = HoldReason::litigation;
  std::uint64_t height = 0, time_ms = 0;
  friend bool operator==(const LegalHoldState&, const LegalHoldState&) = default;
};

struct ErasureReceiptState {
  ErasureReceipt receipt;
  std::string node_key;  // the signer (did:key of the node key)
  TxId tx;
  std::uint64_t height = 0, time_ms = 0;
  friend bool operator==(const ErasureReceiptState&, const ErasureReceiptState&) = default;
};

// A patient's "pseudonyms only" rule in force (type 42, `require`), from the block that set it.
struct PseudonymsOnlyState {
  std::uint64_t height = 0, time_ms = 0;
  friend bool operator==(const PseudonymsOnlyState&, const PseudonymsOnlyState&) = default;
};

std::string erasure_tombstone_key(const RecordId& record);
std::string pseudonyms_only_key(const std::string& patient);
std::string legal_holds_key(const RecordId& record);
std::string erasure_receipt_key(const RecordId& record, const PublicKey& node_key);
std::string erased_records_list();
std::string erased_cid_key(ByteView binary_cid);

Bytes encode_erasure_tombstone(const ErasureTombstone& t);
[[nodiscard]] Result<ErasureTombstone> decode_erasure_tombstone(ByteView b);
// Holds ascending by organization, one per organization.
Bytes encode_legal_holds(const std::vector<LegalHoldState>& holds);
[[nodiscard]] Result<std::vector<LegalHoldState>> decode_legal_holds(ByteView b);
Bytes encode_erasure_receipt_state(const ErasureReceiptState& s);
[[nodiscard]] Result<ErasureReceiptState> decode_erasure_receipt_state(ByteView b);
Bytes encode_pseudonyms_only_state(const PseudonymsOnlyState& s);
[[nodiscard]] Result<PseudonymsOnlyState> decode_pseudonyms_only_state(ByteView b);

// nullopt when absent; Errc::corruption when present and undecodable.
[[nodiscard]] Result<std::optional<ErasureTombstone>> load_erasure_tombstone(
    const StateView& state, const RecordId& record);
// Empty when none.
[[nodiscard]] Result<std::vector<LegalHoldState>> load_legal_holds(const StateView& state,
                                                                   const RecordId& record);
[[nodiscard]] Result<std::optional<ErasureReceiptState>> load_erasure_receipt(
    const StateView& state, const RecordId& record, const PublicKey& node_key);
// nullopt when the patient has not set the rule (or lifted it).
[[nodiscard]] Result<std::optional<PseudonymsOnlyState>> load_pseudonyms_only(
    const StateView& state, const std::string& patient);

// "record under legal hold by <organization> since height N (<reason>)".
std::string legal_hold_verdict(const LegalHoldState& h);

}  // namespace pv
