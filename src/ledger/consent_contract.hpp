#pragma once
// The consent contract: who may do what with a record, decided from ledger state alone
// (docs/consent.md, "The contract"). The interface is deliberately narrow — one question, plain
// inputs, one answer — so that a later contract engine (a Solidity contract on an EVM, with the
// records and consents in its storage) can implement it and be checked against this one on the
// same requests.
//
// Determinism: the answer is a pure function of the state view and the request. The caller
// picks the state (the current height for a live read, a past height for an audit) and the
// time (that block's time, or the node's clock for a live read; it is written into the access
// event, so an auditor can re-decide).
//
// Trusted inputs: `reader` is authenticated by the caller (an RFC 9421 request signature);
// `reader_organizations` and `emergency` are claims the caller verified (role credentials,
// VC-JWT, checked against the ledger's revocations) before asking. The contract checks that each
// named organization is a current member; it does not see credentials.

#include <optional>
#include <string>
#include <vector>

#include "ledger/consent_payloads.hpp"
#include "ledger/record_key_envelope.hpp"

namespace pv {

// An emergency clinician's break-glass claim, verified by the caller.
struct EmergencyClaim {
  std::string organization;  // the member organization that issued the credential
  Hash32 credential;         // SHA-256 of the presented credential (goes into the access event)
};

struct AccessRequest {
  std::string reader;                             // person DID
  std::vector<std::string> reader_organizations;  // organizations vouching for the reader
  RecordId record;
  ConsentAction action = ConsentAction::access;
  std::string purpose;  // HL7 v3 PurposeOfUse code
  std::uint64_t time_ms = 0;
  std::optional<EmergencyClaim> emergency;
};

struct AccessDecision {
  bool permitted = false;
  AccessBasis basis = AccessBasis::none;
  ConsentId consent;         // basis consent
  std::string organization;  // the organization the permit went through, if any
  std::string reason;        // why not (refused), for the reader and the access event
  // The keccak256 of the contract code that decided (ledger/consent_evm.hpp); zero for the
  // native rules.
  Hash32 code_hash;
};

class ConsentContract {
 public:
  virtual ~ConsentContract() = default;
  // Permit with its basis (patient, author, consent id, emergency) or refuse with a reason.
  // Never fails: an unreadable state is a refusal saying so.
  virtual AccessDecision decide(const StateView& state, const AccessRequest& request) const = 0;
};

// The contract as native ledger rules: reads ledger/consent_state.hpp.
class LedgerConsentContract final : public ConsentContract {
 public:
  AccessDecision decide(const StateView& state, const AccessRequest& request) const override;
};

// The refusal the native rules give for `consent` alone on `request` ("consent 1a2b... allows
// access, not use"): how a contract's answer "refused by this consent" is put in words.
std::string consent_refusal_reason(const StateView& state, const ConsentId& consent,
                                   const AccessRequest& request);

// The access event a node writes for `decision` on `request` made at `height`.
AccessEvent access_event_for(const AccessRequest& request, const AccessDecision& decision,
                             std::uint64_t height);

}  // namespace pv

namespace pv {

// What a node serves a permitted reader besides the ciphertext: the record's data key sealed to
// the reader, or, under a category consent, the record's key sealed to the patient's category
// key of its epoch plus that epoch's category secret sealed to the grantee (the reader opens the
// second, then the first).
struct ReaderKeys {
  Bytes cid;
  std::optional<WrappedKey> data_key;         // patient, author, records consent
  std::optional<CategoryWrap> category_wrap;  // category consent
  std::optional<WrappedKey> category_secret;  // category consent
  // Emergency: the record's data key split among the patient's custodians; the reader gets it
  // only from their releases (docs/consent.md section 8.3).
  std::optional<EmergencyShares> emergency;
};

// The keys for a permitted `decision` about `record`. Errc::not_found when the ledger holds no
// key for this reader (e.g. a category consent granted after a record anchored without a
// category wrap, whose key the grant did not carry, or an emergency read of a record anchored
// before its patient's emergency policy); Errc::invalid_argument for a refusal.
// Version-2 anchors and grants keep their keys in key envelopes (ledger/record_key_envelope.hpp),
// read through `read_envelope` (the node's content store); without it such keys are
// Errc::unavailable.
[[nodiscard]] Result<ReaderKeys> reader_keys(const StateView& state, const RecordId& record,
                                             const AccessDecision& decision,
                                             const KeyEnvelopeReader& read_envelope = {});

}  // namespace pv
