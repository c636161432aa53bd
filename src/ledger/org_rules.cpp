#include "ledger/org_rules.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "codec/did_pv.hpp"
#include "ledger/consent_evm.hpp"
#include "ledger/contract_version.hpp"
#include "ledger/org_proposal.hpp"
#include "ledger/signer.hpp"

namespace pv {
namespace {

// Every current member organization, by DID.
Result<std::map<std::string, OrganizationRecord>> load_members(const StateView& state,
                                                               const MembershipRecord& m) {
  std::map<std::string, OrganizationRecord> out;
  for (const auto& did : m.members) {
    auto record = load_member_organization(state, did);
    if (!record)
      return make_error(Errc::corruption,
                        "membership lists " + did + ": " + record.error().message);
    out.emplace(did, std::move(*record));
  }
  return out;
}

// Invariant: every approval that counts is a valid signature, over this proposal on this
// network, by an admin of a distinct current member organization.
Status check_approvals(const TxContext& ctx, const MembershipRecord& m,
                       const std::map<std::string, OrganizationRecord>& members,
                       const MembershipChange& c) {
  std::map<std::string, std::string> org_of_admin;
  for (const auto& [did, record] : members)
    for (const auto& admin : record.admins) org_of_admin.emplace(admin, did);
  const Bytes message = approval_message(proposal_digest(ctx.network, c.proposal));
  std::set<std::string> approved;
  for (std::size_t i = 0; i < c.approvals.size(); ++i) {
    const MembershipApproval& a = c.approvals[i];
    const std::string at = "approval " + std::to_string(i + 1) + ": ";
    const std::string admin(did_without_fragment(a.signer));
    auto org = org_of_admin.find(admin);
    if (org == org_of_admin.end())
      return make_error(Errc::forbidden, at + admin + " is not an admin of a member organization");
    if (!approved.insert(org->second).second)
      return make_error(Errc::conflict,
                        at + "organization " + org->second +
                            " has already approved (one approval per organization)");
    auto key = resolve_did_url_key(ctx.state, a.signer);
    if (!key) return make_error(Errc::bad_signature, at + key.error().message);
    if (!ed25519_verify(*key, message, a.signature))
      return make_error(Errc::bad_signature,
                        at + "the signature of " + a.signer +
                            " does not verify over this proposal on this network");
  }
  std::uint32_t needed = approvals_needed(m.threshold, m.members.size());
  if (approved.size() < needed)
    return make_error(Errc::forbidden, "needs approvals from " + std::to_string(needed) +
                                           " of the " + std::to_string(m.members.size()) +
                                           " member organizations, has " +
                                           std::to_string(approved.size()));
  return Status::ok();
}

// The proposed record may not share an admin or a node key with another member.
Status check_no_overlap(const TxContext& ctx, const std::string& did,
                        const OrganizationRecord& proposed,
                        const std::map<std::string, OrganizationRecord>& members) {
  for (const auto& [other, record] : members) {
    if (other == did) continue;
    for (const auto& admin : proposed.admins)
      if (std::find(record.admins.begin(), record.admins.end(), admin) != record.admins.end())
        return make_error(Errc::conflict, admin + " is already an admin of " + other);
  }
  for (const auto& k : proposed.node_keys)
    if (auto owner = ctx.state.get(node_key_state_key(k)); owner && as_chars(*owner) != did)
      return make_error(Errc::conflict, "node key " + k.hex() + " is already run by " +
                                            std::string(as_chars(*owner)));
  return Status::ok();
}

// Node keys of the network if `did`'s keys were `keys` (nullptr: removed).
std::size_t node_keys_after(const std::map<std::string, OrganizationRecord>& members,
                            const std::string& did, const std::vector<PublicKey>* keys) {
  std::size_t n = keys ? keys->size() : 0;
  for (const auto& [other, record] : members)
    if (other != did) n += record.node_keys.size();
  return n;
}

Status apply_change(TxContext& ctx, MembershipRecord m,
                    const std::map<std::string, OrganizationRecord>& members,
                    const MembershipProposal& p) {
  if (p.action == OrgAction::set_threshold) {
    m.threshold = p.threshold;
    ++m.version;
    ctx.state.put(membership_state_key(), encode_membership_record(m));
    return Status::ok();
  }
  if (p.action == OrgAction::contract_version) {
    PV_TRY(adopt_contract_version(ctx.state, p.contract, ctx.height, ctx.block_time_ms));
    ++m.version;  // voids other proposals approved for this version, as any change does
    ctx.state.put(membership_state_key(), encode_membership_record(m));
    return Status::ok();
  }
  auto current = members.find(p.did);
  const bool is_member = current != members.end();
  OrganizationRecord next = p.organization;
  next.status = OrgStatus::member;
  next.changed_height = ctx.height;
  switch (p.action) {
    case OrgAction::add:
      if (is_member) return make_error(Errc::conflict, p.did + " is already a member organization");
      if (m.members.size() >= kMaxOrganizations)
        return make_error(Errc::forbidden, "the network has 1000 organizations");
      m.members.insert(std::upper_bound(m.members.begin(), m.members.end(), p.did), p.did);
      break;
    case OrgAction::update:
      if (!is_member) return make_error(Errc::not_found, p.did + " is not a member organization");
      break;
    case OrgAction::set_threshold:
    case OrgAction::contract_version:
      break;  // handled above
    case OrgAction::remove:
      if (!is_member) return make_error(Errc::not_found, p.did + " is not a member organization");
      if (m.members.size() == 1)
        return make_error(Errc::forbidden, "cannot remove the last member organization");
      next = current->second;
      next.status = OrgStatus::removed;
      next.changed_height = ctx.height;
      m.members.erase(std::find(m.members.begin(), m.members.end(), p.did));
      break;
  }
  if (p.action != OrgAction::remove) PV_TRY(check_no_overlap(ctx, p.did, next, members));
  const bool removed = p.action == OrgAction::remove;
  if (node_keys_after(members, p.did, removed ? nullptr : &next.node_keys) == 0)
    return make_error(Errc::forbidden, "the change would leave the network without a node key");
  if (is_member)
    for (const auto& k : current->second.node_keys) ctx.state.erase(node_key_state_key(k));
  if (!removed)
    for (const auto& k : next.node_keys) ctx.state.put(node_key_state_key(k), to_bytes(p.did));
  ctx.state.put(org_state_key(p.did), encode_organization_record(next));
  // The consent contract keeps its own list of members (docs/evm.md).
  if (p.action != OrgAction::update)
    PV_TRY(set_member_in_contract(ctx.state, p.did, !removed, ctx.height, ctx.block_time_ms));
  ++m.version;
  ctx.state.put(membership_state_key(), encode_membership_record(m));
  return Status::ok();
}

}  // namespace

TxTypeRules org_membership_rules() {
  TxTypeRules rules;
  rules.type = kTxTypeOrgMembership;
  rules.name = "org-membership";
  rules.check_form = [](const Transaction& tx) -> Status {
    return decode_membership_change(tx.payload).status();
  };
  rules.apply = [](TxContext& ctx) -> Status {
    auto c = decode_membership_change(ctx.tx.payload);
    if (!c) return c.error();
    auto m = load_membership(ctx.state);
    if (!m) return m.error();
    const MembershipProposal& p = c->proposal;
    if (p.membership_version != m->version)
      return make_error(Errc::conflict, "the proposal was approved for membership version " +
                                            std::to_string(p.membership_version) +
                                            " but membership is at version " +
                                            std::to_string(m->version) +
                                            " (a change in between voids its approvals)");
    if (ctx.block_time_ms > p.expires_ms)
      return make_error(Errc::conflict,
                        "the proposal expired at " + std::to_string(p.expires_ms) + " ms");
    auto members = load_members(ctx.state, *m);
    if (!members) return members.error();
    PV_TRY(check_approvals(ctx, *m, *members, *c));
    return apply_change(ctx, std::move(*m), *members, p);
  };
  return rules;
}

}  // namespace pv
