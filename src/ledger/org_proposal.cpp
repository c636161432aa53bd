#include "ledger/org_proposal.hpp"

#include "codec/binary.hpp"

namespace pv {
namespace {

constexpr std::uint8_t kProposalVersion = 1;
constexpr std::string_view kProposalTag = "PatientVault membership proposal v1";
constexpr std::string_view kApprovalTag = "PatientVault membership approval v1";

Bytes tagged(std::string_view tag) {
  Bytes out = to_bytes(tag);
  out.push_back(0);
  return out;
}

}  // namespace

const char* org_action_name(OrgAction a) {
  switch (a) {
    case OrgAction::add:
      return "add";
    case OrgAction::remove:
      return "remove";
    case OrgAction::update:
      return "update";
    case OrgAction::set_threshold:
      return "threshold";
    case OrgAction::contract_version:
      return "contract";
  }
  return "unknown";
}

Bytes encode_membership_proposal(const MembershipProposal& p) {
  BinaryWriter w;
  w.u8(kProposalVersion);
  w.u8(static_cast<std::uint8_t>(p.action));
  w.u64(p.membership_version);
  w.u64(p.expires_ms);
  if (p.action == OrgAction::set_threshold) {
    w.u32(p.threshold.numerator);
    w.u32(p.threshold.denominator);
    return w.take();
  }
  if (p.action == OrgAction::contract_version) {
    w.var(p.contract.source);
    w.var(p.contract.settings);
    w.var(p.contract.compiler);
    w.var(p.contract.init_code);
    return w.take();
  }
  w.var(p.did);
  if (p.action != OrgAction::remove) {
    w.var(p.organization.name);
    w.var(p.organization.role);
    w.u32(static_cast<std::uint32_t>(p.organization.admins.size()));
    for (const auto& a : p.organization.admins) w.var(a);
    w.u32(static_cast<std::uint32_t>(p.organization.node_keys.size()));
    for (const auto& k : p.organization.node_keys) w.fixed(k);
  }
  return w.take();
}

Result<MembershipProposal> decode_membership_proposal(ByteView b) {
  BinaryReader r(b);
  MembershipProposal p;
  auto version = r.u8("proposal version");
  if (!version) return version.error();
  if (*version != kProposalVersion)
    return make_error(Errc::malformed, "unsupported membership proposal version");
  auto action = r.u8("proposal action");
  if (!action) return action.error();
  if (*action < 1 || *action > 5)
    return make_error(Errc::malformed,
                      "proposal action must be 1 (add), 2 (remove), 3 (update), 4 (threshold) or "
                      "5 (contract)");
  p.action = static_cast<OrgAction>(*action);
  auto mv = r.u64("membership version");
  if (!mv) return mv.error();
  p.membership_version = *mv;
  auto expires = r.u64("proposal expiry");
  if (!expires) return expires.error();
  p.expires_ms = *expires;
  if (p.action == OrgAction::set_threshold) {
    auto num = r.u32("threshold numerator");
    if (!num) return num.error();
    auto den = r.u32("threshold denominator");
    if (!den) return den.error();
    p.threshold = {*num, *den};
    if (auto s = check_approval_threshold(p.threshold); !s)
      return make_error(Errc::malformed, "proposal: " + s.error().message);
    PV_TRY(r.expect_end("membership proposal"));
    return p;
  }
  if (p.action == OrgAction::contract_version) {
    auto source = r.text(kMaxContractSourceBytes, "contract source");
    if (!source) return source.error();
    auto settings = r.text(kMaxContractSettingsBytes, "compiler settings");
    if (!settings) return settings.error();
    auto compiler = r.text(kMaxContractCompilerBytes, "compiler");
    if (!compiler) return compiler.error();
    auto init = r.var(kMaxContractInitCodeBytes, "init code");
    if (!init) return init.error();
    if (source->empty() || init->empty())
      return make_error(Errc::malformed, "proposal: a contract version needs source and init code");
    p.contract = {std::move(*source), std::move(*settings), std::move(*compiler),
                  Bytes(init->begin(), init->end())};
    PV_TRY(r.expect_end("membership proposal"));
    return p;
  }
  auto did = r.text(kMaxOrgText, "organization did");
  if (!did) return did.error();
  if (did->rfind("did:", 0) != 0 || did->find('#') != std::string::npos)
    return make_error(Errc::malformed, "proposal: organization \"" + *did + "\" is not a DID");
  p.did = std::move(*did);
  if (p.action != OrgAction::remove) {
    auto name = r.text(kMaxOrgText, "organization name");
    if (!name) return name.error();
    auto role = r.text(kMaxOrgText, "organization role");
    if (!role) return role.error();
    p.organization.name = std::move(*name);
    p.organization.role = std::move(*role);
    auto admins = r.u32("admin count");
    if (!admins) return admins.error();
    if (*admins > kMaxOrgAdmins)
      return make_error(Errc::too_large, "proposal: more than 16 admins");
    for (std::uint32_t i = 0; i < *admins; ++i) {
      auto a = r.text(kMaxOrgText, "admin did");
      if (!a) return a.error();
      p.organization.admins.push_back(std::move(*a));
    }
    auto keys = r.u32("node key count");
    if (!keys) return keys.error();
    if (*keys > kMaxOrgNodeKeys)
      return make_error(Errc::too_large, "proposal: more than 100 node keys");
    for (std::uint32_t i = 0; i < *keys; ++i) {
      auto k = r.fixed<32>("node key");
      if (!k) return k.error();
      p.organization.node_keys.push_back(*k);
    }
    if (auto s = check_organization_fields(p.organization, "proposal"); !s)
      return make_error(Errc::malformed, s.error().message);
  }
  PV_TRY(r.expect_end("membership proposal"));
  return p;
}

Bytes encode_membership_change(const MembershipChange& c) {
  BinaryWriter w;
  w.u8(kProposalVersion);
  w.var(encode_membership_proposal(c.proposal));
  w.u32(static_cast<std::uint32_t>(c.approvals.size()));
  for (const auto& a : c.approvals) {
    w.var(a.signer);
    w.fixed(a.signature);
  }
  return w.take();
}

Result<MembershipChange> decode_membership_change(ByteView b) {
  BinaryReader r(b);
  MembershipChange c;
  auto version = r.u8("membership change version");
  if (!version) return version.error();
  if (*version != kProposalVersion)
    return make_error(Errc::malformed, "unsupported membership change version");
  auto proposal = r.var(kMaxPayloadBytes, "proposal");
  if (!proposal) return proposal.error();
  auto p = decode_membership_proposal(*proposal);
  if (!p) return p.error();
  c.proposal = std::move(*p);
  auto n = r.u32("approval count");
  if (!n) return n.error();
  if (*n == 0) return make_error(Errc::malformed, "a membership change carries no approvals");
  if (*n > kMaxApprovals)
    return make_error(Errc::too_large, "more approvals than organizations can exist");
  for (std::uint32_t i = 0; i < *n; ++i) {
    MembershipApproval a;
    auto signer = r.text(kMaxSignerBytes, "approval signer");
    if (!signer) return signer.error();
    auto sig = r.fixed<64>("approval signature");
    if (!sig) return sig.error();
    a.signer = std::move(*signer);
    a.signature = *sig;
    c.approvals.push_back(std::move(a));
  }
  PV_TRY(r.expect_end("membership change"));
  return c;
}

Hash32 proposal_digest(const NetworkId& network, const MembershipProposal& p) {
  Bytes message = tagged(kProposalTag);
  message.insert(message.end(), network.bytes.begin(), network.bytes.end());
  Bytes encoded = encode_membership_proposal(p);
  message.insert(message.end(), encoded.begin(), encoded.end());
  return sha256(message);
}

Bytes approval_message(const Hash32& digest) {
  Bytes message = tagged(kApprovalTag);
  message.insert(message.end(), digest.bytes.begin(), digest.bytes.end());
  return message;
}

MembershipApproval approve_proposal(const NetworkId& network, const MembershipProposal& p,
                                    const std::string& signer, const SigningKey& key) {
  return {signer, key.sign(approval_message(proposal_digest(network, p)))};
}

}  // namespace pv
