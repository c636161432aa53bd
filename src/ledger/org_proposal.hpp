#pragma once
// A membership proposal and the approvals of member-organization admins that carry it
// (docs/organizations.md, byte layout in docs/encoding.md section 6).
//
// Invariant: an approval is an Ed25519 signature over
//   "PatientVault membership approval v1" || 0x00 || proposal_digest
//   proposal_digest = SHA-256("PatientVault membership proposal v1" || 0x00 || network id ||
//                             proposal encoding)
// so it is bound to one network, one exact change, the membership version the change applies
// to (voided by any other change that lands first) and an expiry time.

#include <string>
#include <vector>

#include "crypto/ed25519.hpp"
#include "ledger/org_state.hpp"
#include "ledger/transaction.hpp"

namespace pv {

// set_threshold changes the approval threshold itself (approved under the current one);
// contract_version replaces the consent contract's code (docs/evm.md, "Governance").
enum class OrgAction : std::uint8_t {
  add = 1,
  remove = 2,
  update = 3,
  set_threshold = 4,
  contract_version = 5
};

// A new version of the consent contract: its Solidity source, the compiler settings (solc
// standard-JSON "settings"), the compiler that built it, and the init code they produce. Members
// reproduce the init code from the source with `pv contract verify --proposal` before approving;
// the ledger runs it at the contract's address, keeping the contract's storage.
struct ContractProposal {
  std::string source;
  std::string settings;
  std::string compiler;  // "0.8.28+commit.7893614a.Emscripten.clang"
  Bytes init_code;
  friend bool operator==(const ContractProposal&, const ContractProposal&) = default;
};
inline constexpr std::size_t kMaxContractSourceBytes = 32 * 1024;
inline constexpr std::size_t kMaxContractSettingsBytes = 4 * 1024;
inline constexpr std::size_t kMaxContractCompilerBytes = 128;
inline constexpr std::size_t kMaxContractInitCodeBytes = 20 * 1024;

struct MembershipProposal {
  OrgAction action = OrgAction::add;
  std::uint64_t membership_version = 0;  // the version it applies to (MembershipRecord.version)
  std::uint64_t expires_ms = 0;          // refused in blocks after this time (Unix ms)
  std::string did;                       // the organization concerned (empty for set_threshold)
  // add / update only: the organization's new fields (status and height are set by the rule).
  OrganizationRecord organization;
  ApprovalThreshold threshold;  // set_threshold only: the new threshold
  ContractProposal contract;    // contract_version only
  friend bool operator==(const MembershipProposal&, const MembershipProposal&) = default;
};

struct MembershipApproval {
  std::string signer;   // an admin's did:key, or a did:pv key URL (did:pv:...#key-1)
  Signature signature;  // over approval_message(proposal_digest)
  friend bool operator==(const MembershipApproval&, const MembershipApproval&) = default;
};

// The payload of a membership-change transaction.
struct MembershipChange {
  MembershipProposal proposal;
  std::vector<MembershipApproval> approvals;
};

inline constexpr std::size_t kMaxApprovals = kMaxOrganizations;

Bytes encode_membership_proposal(const MembershipProposal& p);
// Strict and canonical; checks the fields' form (check_organization_fields for add/update).
[[nodiscard]] Result<MembershipProposal> decode_membership_proposal(ByteView b);
Bytes encode_membership_change(const MembershipChange& c);
[[nodiscard]] Result<MembershipChange> decode_membership_change(ByteView b);

Hash32 proposal_digest(const NetworkId& network, const MembershipProposal& p);
Bytes approval_message(const Hash32& digest);
// An approval by `signer` (the DID URL of `key`) of `p` on `network`.
MembershipApproval approve_proposal(const NetworkId& network, const MembershipProposal& p,
                                    const std::string& signer, const SigningKey& key);

// "add" | "remove" | "update" | "threshold" | "contract"
const char* org_action_name(OrgAction a);

}  // namespace pv
