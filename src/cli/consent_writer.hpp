#pragma once
// The client side of records and consent (docs/consent.md): builds the signed transactions of
// `pv record add`, `pv consent grant` and `pv consent revoke`. All key handling happens here, on
// the client: data keys and category secrets are opened with the actor's own keys and sealed to
// the recipients' keys; nothing unwrapped ever leaves this process.

#include <string>
#include <vector>

#include "cli/acting.hpp"
#include "identity/key_wrap.hpp"
#include "ledger/consent_payloads.hpp"

namespace pv::cli {

// What `pv record add` anchors, the content already encrypted and stored under `cid`.
struct RecordPlan {
  std::string patient;       // the patient's DID
  std::string organization;  // the author's member organization
  std::string category;      // FHIR resource type or category token
  std::string media_type;
  Bytes cid;               // binary CID of the encrypted content
  Hash32 commitment;       // identity/record_commitment.hpp over the plaintext
  std::uint64_t size = 0;  // plaintext bytes
};

// The record-anchor payload: `data_key` sealed to the patient, to the author and, when the
// patient has a key for the category, to that key; and when the patient has an emergency policy,
// split k-of-n with one share sealed to each custodian (the ledger refuses the anchor otherwise).
[[nodiscard]] Result<RecordAnchor> build_record_anchor(api::NodeClient& client, const Actor& author,
                                                       const RecordPlan& plan,
                                                       const SecretKey32& data_key);

// What `pv consent grant` grants.
struct GrantPlan {
  std::string grantee{};
  GranteeKind grantee_kind = GranteeKind::person;
  std::vector<RecordId> records{};  // scope records (any order; sorted here)
  std::string category{};           // scope category when records is empty
  std::uint8_t actions = static_cast<std::uint8_t>(ConsentAction::access);
  std::vector<std::string> purposes{};
  std::uint64_t not_before_ms = 0, not_after_ms = 0;
};

// The transactions of one grant, to be committed in order: a category-key (epoch 1) first when
// the patient has no key for the category yet, then the consent-grant. Record grants carry the
// data key of every record, sealed to the grantee; a category grant carries the category secret
// and the keys of the category's records anchored before it had a key (up to 64).
[[nodiscard]] Result<std::vector<Bytes>> build_grant(api::NodeClient& client, const Actor& patient,
                                                     const NetworkId& network, GrantPlan plan);

// The revocation, and for a category consent the rotation docs/consent.md requires: the next
// category key epoch sealed to every other consent of the category still in force. Commit the
// revocation first, then call build_rotation (which reads the consents the ledger now holds).
[[nodiscard]] Bytes build_revoke(const Actor& patient, const NetworkId& network,
                                 const ConsentId& consent);
// nullopt when no rotation is needed (a records consent, or a category without a key).
[[nodiscard]] Result<std::optional<Bytes>> build_rotation(api::NodeClient& client,
                                                          const Actor& patient,
                                                          const NetworkId& network,
                                                          const std::string& category);

}  // namespace pv::cli
