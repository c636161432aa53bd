#pragma once
// Membership changes as a transaction type (20, "org-membership"): add an organization, remove
// one, change one's name, role, admins or node keys, or change the approval threshold itself. The
// envelope may be signed by anyone (whoever collected the approvals); the authority is in the
// approvals it carries (ledger/org_proposal.hpp). The rule refuses, naming the approval at fault:
//   - a proposal for another membership version (a change landed in between) or past its expiry;
//   - an approval whose signer is not an admin of a current member organization;
//   - two approvals from the same organization (one vote per organization);
//   - an approval whose signature does not verify over this proposal on this network;
//   - fewer approving organizations than approvals_needed(threshold, members);
//   - an add of a current member, a remove or update of a non-member, removing the last member
//     or the network's last node key, a node key already run by another organization.
// Semantics: docs/organizations.md.

#include "ledger/tx_registry.hpp"

namespace pv {

inline constexpr TxType kTxTypeOrgMembership = 20;

TxTypeRules org_membership_rules();

}  // namespace pv
