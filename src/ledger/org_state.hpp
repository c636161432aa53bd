#pragma once
// The consortium's member organizations as the ledger state holds them (docs/organizations.md).
// Written by block 0 from the genesis and afterwards only by membership-change transactions
// (ledger/org_rules.hpp). Other rules read it through the functions below (e.g. "is the grantee
// a member organization?", "may this organization issue practitioner credentials?").
//
// State keys:
//   "orgs"          the MembershipRecord: version, approval threshold, sorted member DIDs
//   "org/<did>"     the OrganizationRecord of every organization ever a member (removed ones
//                   stay, marked removed, so that errors can say when it left)
//   "nodekey/<hex>" the DID of the member organization that runs the node with that key

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ed25519.hpp"
#include "ledger/state.hpp"

namespace pv {

inline constexpr std::size_t kMaxOrganizations = 1000;
inline constexpr std::size_t kMaxOrgAdmins = 16;
inline constexpr std::size_t kMaxOrgNodeKeys = 100;
inline constexpr std::size_t kMaxOrgText = 256;  // a DID, a name or a role, in bytes

enum class OrgStatus : std::uint8_t { member = 1, removed = 2 };

struct OrganizationRecord {
  std::string name;                  // display name of the organization (never a person)
  std::string role;                  // provider | insurer | regulator | lab | ...
  std::vector<std::string> admins;   // DIDs (did:key or did:pv) that approve membership changes
  std::vector<PublicKey> node_keys;  // keys of the nodes it runs (may seal blocks)
  OrgStatus status = OrgStatus::member;
  std::uint64_t changed_height = 0;  // block that last changed it; 0 for the genesis
  friend bool operator==(const OrganizationRecord&, const OrganizationRecord&) = default;
};

// A membership change needs approvals from more than numerator/denominator of the current
// member organizations (one vote per organization). The default, 1/2, is a strict majority.
struct ApprovalThreshold {
  std::uint32_t numerator = 1;
  std::uint32_t denominator = 2;
  friend bool operator==(const ApprovalThreshold&, const ApprovalThreshold&) = default;
};

struct MembershipRecord {
  std::uint64_t version = 0;  // 0 at genesis; +1 for every applied membership change
  ApprovalThreshold threshold;
  std::vector<std::string> members;  // DIDs of the current member organizations, sorted
};

std::string org_state_key(const std::string& did);
std::string node_key_state_key(const PublicKey& key);
std::string membership_state_key();

Bytes encode_organization_record(const OrganizationRecord& r);
[[nodiscard]] Result<OrganizationRecord> decode_organization_record(ByteView b);
Bytes encode_membership_record(const MembershipRecord& r);
[[nodiscard]] Result<MembershipRecord> decode_membership_record(ByteView b);

// 1 <= numerator <= denominator <= 1000.
[[nodiscard]] Status check_approval_threshold(const ApprovalThreshold& t);
// Approvals a change needs with `members` member organizations: floor(members * num / den) + 1,
// at most `members`.
std::uint32_t approvals_needed(const ApprovalThreshold& t, std::size_t members);

// An admin is a canonical did:key or a did:pv DID (no fragment).
[[nodiscard]] Status check_admin_did(std::string_view did);
// Name and role non-empty and <= 256 bytes, 1..16 admins each valid and listed once, at most
// 100 node keys each listed once. `what` prefixes the error message.
[[nodiscard]] Status check_organization_fields(const OrganizationRecord& r,
                                               const std::string& what);

// The membership record; Errc::corruption if missing or undecodable (block 0 always writes it).
[[nodiscard]] Result<MembershipRecord> load_membership(const StateView& state);
// The record of `did` whether member or removed; nullopt if it was never a member.
[[nodiscard]] Result<std::optional<OrganizationRecord>> load_organization(const StateView& state,
                                                                          const std::string& did);
// The record of `did` if it is a member now. Errc::not_found ("... is not a member
// organization") when it never was, Errc::forbidden ("... was removed ... at height N") when it
// left.
[[nodiscard]] Result<OrganizationRecord> load_member_organization(const StateView& state,
                                                                  const std::string& did);
// True when `did` is a current member organization (false also when state is unreadable).
bool is_member_organization(const StateView& state, const std::string& did);

// Whether an organization with `role` may issue role credentials to practitioners: providers
// (hospitals, labs, clinics) only.
bool role_may_issue_practitioner_credentials(std::string_view role);

}  // namespace pv
