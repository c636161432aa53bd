#include "ledger/org_state.hpp"

#include <algorithm>
#include <set>

#include "codec/binary.hpp"
#include "codec/did_key.hpp"
#include "codec/did_pv.hpp"

namespace pv {
namespace {

constexpr std::uint8_t kOrgRecordVersion = 1;
constexpr std::uint32_t kMaxThresholdDenominator = 1000;

Result<std::vector<std::string>> read_dids(BinaryReader& r, std::size_t max, const char* what) {
  auto n = r.u32(what);
  if (!n) return n.error();
  if (*n > max) return make_error(Errc::too_large, std::string(what) + " over the limit");
  std::vector<std::string> out;
  for (std::uint32_t i = 0; i < *n; ++i) {
    auto d = r.text(kMaxOrgText, what);
    if (!d) return d.error();
    out.push_back(std::move(*d));
  }
  return out;
}

void write_dids(BinaryWriter& w, const std::vector<std::string>& dids) {
  w.u32(static_cast<std::uint32_t>(dids.size()));
  for (const auto& d : dids) w.var(d);
}

}  // namespace

std::string org_state_key(const std::string& did) {
  return "org/" + did;
}
std::string node_key_state_key(const PublicKey& key) {
  return "nodekey/" + key.hex();
}
std::string membership_state_key() {
  return "orgs";
}

Bytes encode_organization_record(const OrganizationRecord& r) {
  BinaryWriter w;
  w.u8(kOrgRecordVersion);
  w.u8(static_cast<std::uint8_t>(r.status));
  w.u64(r.changed_height);
  w.var(r.name);
  w.var(r.role);
  write_dids(w, r.admins);
  w.u32(static_cast<std::uint32_t>(r.node_keys.size()));
  for (const auto& k : r.node_keys) w.fixed(k);
  return w.take();
}

Result<OrganizationRecord> decode_organization_record(ByteView b) {
  BinaryReader r(b);
  OrganizationRecord out;
  auto version = r.u8("organization record version");
  if (!version) return version.error();
  if (*version != kOrgRecordVersion)
    return make_error(Errc::malformed, "unsupported organization record version");
  auto status = r.u8("organization status");
  if (!status) return status.error();
  if (*status != 1 && *status != 2)
    return make_error(Errc::malformed, "unknown organization status");
  out.status = static_cast<OrgStatus>(*status);
  auto height = r.u64("organization height");
  if (!height) return height.error();
  out.changed_height = *height;
  auto name = r.text(kMaxOrgText, "organization name");
  if (!name) return name.error();
  auto role = r.text(kMaxOrgText, "organization role");
  if (!role) return role.error();
  out.name = std::move(*name);
  out.role = std::move(*role);
  auto admins = read_dids(r, kMaxOrgAdmins, "organization admins");
  if (!admins) return admins.error();
  out.admins = std::move(*admins);
  auto keys = r.u32("node key count");
  if (!keys) return keys.error();
  if (*keys > kMaxOrgNodeKeys) return make_error(Errc::too_large, "too many node keys");
  for (std::uint32_t i = 0; i < *keys; ++i) {
    auto k = r.fixed<32>("node key");
    if (!k) return k.error();
    out.node_keys.push_back(*k);
  }
  PV_TRY(r.expect_end("organization record"));
  return out;
}

Bytes encode_membership_record(const MembershipRecord& r) {
  BinaryWriter w;
  w.u8(kOrgRecordVersion);
  w.u64(r.version);
  w.u32(r.threshold.numerator);
  w.u32(r.threshold.denominator);
  write_dids(w, r.members);
  return w.take();
}

Result<MembershipRecord> decode_membership_record(ByteView b) {
  BinaryReader r(b);
  MembershipRecord out;
  auto version = r.u8("membership record version");
  if (!version) return version.error();
  if (*version != kOrgRecordVersion)
    return make_error(Errc::malformed, "unsupported membership record version");
  auto v = r.u64("membership version");
  if (!v) return v.error();
  out.version = *v;
  auto num = r.u32("threshold numerator");
  if (!num) return num.error();
  auto den = r.u32("threshold denominator");
  if (!den) return den.error();
  out.threshold = {*num, *den};
  PV_TRY(check_approval_threshold(out.threshold));
  auto members = read_dids(r, kMaxOrganizations, "members");
  if (!members) return members.error();
  out.members = std::move(*members);
  if (!std::is_sorted(out.members.begin(), out.members.end()))
    return make_error(Errc::non_canonical, "membership record: members are not sorted");
  PV_TRY(r.expect_end("membership record"));
  return out;
}

Status check_approval_threshold(const ApprovalThreshold& t) {
  if (t.numerator < 1 || t.numerator > t.denominator || t.denominator > kMaxThresholdDenominator)
    return make_error(
        Errc::invalid_argument,
        "approval threshold must be a fraction numerator/denominator with 1 <= numerator <= "
        "denominator <= 1000");
  return Status::ok();
}

std::uint32_t approvals_needed(const ApprovalThreshold& t, std::size_t members) {
  std::uint64_t needed = static_cast<std::uint64_t>(members) * t.numerator / t.denominator + 1;
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(needed, members));
}

Status check_admin_did(std::string_view did) {
  if (is_did_pv(did)) {
    auto url = parse_did_pv_url(did);
    if (!url) return url.error();
    if (!url->fragment.empty())
      return make_error(Errc::invalid_argument,
                        "an admin is a DID, not a key URL: " + std::string(did));
    return Status::ok();
  }
  if (auto key = public_key_from_did_key(did); !key)
    return make_error(
        Errc::invalid_argument,
        "admin " + std::string(did) + " is neither a canonical Ed25519 did:key nor a did:pv DID");
  return Status::ok();
}

Status check_organization_fields(const OrganizationRecord& r, const std::string& what) {
  auto fail = [&](const std::string& why) {
    return make_error(Errc::invalid_argument, what + ": " + why);
  };
  if (r.name.empty() || r.name.size() > kMaxOrgText) return fail("name must be 1 to 256 bytes");
  if (r.role.empty() || r.role.size() > kMaxOrgText) return fail("role must be 1 to 256 bytes");
  if (r.admins.empty() || r.admins.size() > kMaxOrgAdmins) return fail("needs 1 to 16 admins");
  std::set<std::string> admins;
  for (const auto& a : r.admins) {
    if (auto s = check_admin_did(a); !s) return fail(s.error().message);
    if (!admins.insert(a).second) return fail("admin " + a + " is listed twice");
  }
  if (r.node_keys.size() > kMaxOrgNodeKeys) return fail("at most 100 node keys");
  std::set<PublicKey> keys(r.node_keys.begin(), r.node_keys.end());
  if (keys.size() != r.node_keys.size()) return fail("a node key is listed twice");
  return Status::ok();
}

Result<MembershipRecord> load_membership(const StateView& state) {
  auto bytes = state.get(membership_state_key());
  if (!bytes) return make_error(Errc::corruption, "the state holds no membership record");
  auto record = decode_membership_record(*bytes);
  if (!record)
    return make_error(Errc::corruption, "stored membership record: " + record.error().message);
  return record;
}

Result<std::optional<OrganizationRecord>> load_organization(const StateView& state,
                                                            const std::string& did) {
  auto bytes = state.get(org_state_key(did));
  if (!bytes) return std::optional<OrganizationRecord>{};
  auto record = decode_organization_record(*bytes);
  if (!record)
    return make_error(Errc::corruption,
                      "stored record of organization " + did + ": " + record.error().message);
  return std::optional<OrganizationRecord>(std::move(*record));
}

Result<OrganizationRecord> load_member_organization(const StateView& state,
                                                    const std::string& did) {
  auto record = load_organization(state, did);
  if (!record) return record.error();
  if (!*record)
    return make_error(Errc::not_found, did + " is not a member organization of this network");
  if ((*record)->status == OrgStatus::removed)
    return make_error(Errc::forbidden, "organization " + did +
                                           " was removed from the network at height " +
                                           std::to_string((*record)->changed_height));
  return std::move(**record);
}

bool is_member_organization(const StateView& state, const std::string& did) {
  return load_member_organization(state, did).is_ok();
}

bool role_may_issue_practitioner_credentials(std::string_view role) {
  return role == "provider";
}

}  // namespace pv
