#include "ledger/genesis.hpp"

#include <algorithm>
#include <set>

#include "codec/binary.hpp"
#include "ledger/contract_version.hpp"
#include "ledger/merkle.hpp"

namespace pv {
namespace {

constexpr std::string_view kGenesisMagic = "PVGN";
// Version 2 added admins per organization and the membership approval threshold.
constexpr std::uint8_t kGenesisVersion = 2;
// Version 3 is version 2 followed by the portal (docs/passkeys.md): u8 origin count (1..8),
// each origin (var), the RP ID (var). A genesis without a portal is written as version 2, so
// networks made before portals keep their network id.
constexpr std::uint8_t kGenesisVersionPortal = 3;
constexpr std::size_t kMaxName = kMaxOrgText;

}  // namespace

Bytes encode_genesis(const Genesis& g) {
  BinaryWriter w;
  w.raw(as_bytes(kGenesisMagic));
  w.u8(g.portal.empty() ? kGenesisVersion : kGenesisVersionPortal);
  w.var(g.network);
  w.u64(g.time_ms);
  w.u32(static_cast<std::uint32_t>(g.organizations.size()));
  for (const auto& org : g.organizations) {
    w.var(org.did);
    w.var(org.name);
    w.var(org.role);
    w.u32(static_cast<std::uint32_t>(org.node_keys.size()));
    for (const auto& k : org.node_keys) w.fixed(k);
    w.u32(static_cast<std::uint32_t>(org.admins.size()));
    for (const auto& a : org.admins) w.var(a);
  }
  w.u32(g.membership_threshold.numerator);
  w.u32(g.membership_threshold.denominator);
  if (!g.portal.empty()) {
    w.u8(static_cast<std::uint8_t>(g.portal.origins.size()));
    for (const auto& origin : g.portal.origins) w.var(origin);
    w.var(g.portal.rp_id);
  }
  return w.take();
}

Result<Genesis> decode_genesis(ByteView encoded) {
  if (encoded.size() > kMaxGenesisBytes) return make_error(Errc::too_large, "genesis is over 1 MiB");
  BinaryReader r(encoded);
  auto magic = r.raw(kGenesisMagic.size(), "genesis magic");
  if (!magic) return magic.error();
  if (as_chars(*magic) != kGenesisMagic) return make_error(Errc::malformed, "not a genesis encoding");
  auto version = r.u8("genesis version");
  if (!version) return version.error();
  if (*version != kGenesisVersion && *version != kGenesisVersionPortal)
    return make_error(Errc::malformed, "unsupported genesis version");
  Genesis g;
  auto network = r.text(kMaxName, "network name");
  if (!network) return network.error();
  g.network = *network;
  auto time = r.u64("genesis time");
  if (!time) return time.error();
  g.time_ms = *time;
  auto count = r.u32("organization count");
  if (!count) return count.error();
  if (*count > kMaxOrganizations) return make_error(Errc::too_large, "too many organizations");
  for (std::uint32_t i = 0; i < *count; ++i) {
    GenesisOrganization org;
    auto did = r.text(kMaxName, "organization did");
    if (!did) return did.error();
    auto name = r.text(kMaxName, "organization name");
    if (!name) return name.error();
    auto role = r.text(kMaxName, "organization role");
    if (!role) return role.error();
    auto keys = r.u32("node key count");
    if (!keys) return keys.error();
    if (*keys > kMaxOrgNodeKeys) return make_error(Errc::too_large, "too many node keys");
    org.did = *did;
    org.name = *name;
    org.role = *role;
    for (std::uint32_t k = 0; k < *keys; ++k) {
      auto key = r.fixed<32>("node key");
      if (!key) return key.error();
      org.node_keys.push_back(*key);
    }
    auto admins = r.u32("admin count");
    if (!admins) return admins.error();
    if (*admins > kMaxOrgAdmins) return make_error(Errc::too_large, "too many admins");
    for (std::uint32_t a = 0; a < *admins; ++a) {
      auto admin = r.text(kMaxName, "admin did");
      if (!admin) return admin.error();
      org.admins.push_back(std::move(*admin));
    }
    g.organizations.push_back(std::move(org));
  }
  auto num = r.u32("threshold numerator");
  if (!num) return num.error();
  auto den = r.u32("threshold denominator");
  if (!den) return den.error();
  g.membership_threshold = {*num, *den};
  if (*version == kGenesisVersionPortal) {
    auto origins = r.u8("portal origin count");
    if (!origins) return origins.error();
    if (*origins == 0 || *origins > kMaxPortalOrigins)
      return make_error(Errc::malformed, "genesis: a portal has 1 to 8 origins");
    for (std::uint8_t i = 0; i < *origins; ++i) {
      auto origin = r.text(kMaxPortalOriginBytes, "portal origin");
      if (!origin) return origin.error();
      g.portal.origins.push_back(std::move(*origin));
    }
    auto rp_id = r.text(kMaxPortalOriginBytes, "portal RP ID");
    if (!rp_id) return rp_id.error();
    g.portal.rp_id = std::move(*rp_id);
    if (g.portal.rp_id.empty())
      return make_error(Errc::malformed, "genesis: a portal names its RP ID");
  }
  PV_TRY(r.expect_end("genesis"));
  PV_TRY(check_genesis(g));
  return g;
}

Status check_genesis(const Genesis& g) {
  if (g.network.empty()) return make_error(Errc::invalid_argument, "genesis: network name is empty");
  for (char c : g.network)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return make_error(Errc::invalid_argument,
                        "genesis: network name may hold only letters, digits, '-', '_' and '.'");
  if (g.organizations.empty()) return make_error(Errc::invalid_argument, "genesis: no organizations");
  std::set<std::string> dids;
  std::set<PublicKey> keys;
  std::set<std::string> admins;
  std::size_t node_count = 0;
  for (const auto& org : g.organizations) {
    if (org.did.rfind("did:", 0) != 0)
      return make_error(Errc::invalid_argument, "genesis: organization DID \"" + org.did + "\" is not a DID");
    if (!dids.insert(org.did).second)
      return make_error(Errc::invalid_argument, "genesis: organization " + org.did + " is listed twice");
    if (org.did.size() > kMaxOrgText)
      return make_error(Errc::invalid_argument, "genesis: organization DID is over 256 bytes");
    PV_TRY(check_organization_fields({org.name, org.role, org.admins, org.node_keys},
                                     "genesis: organization " + org.did));
    for (const auto& a : org.admins)
      if (!admins.insert(a).second)
        return make_error(Errc::invalid_argument, "genesis: " + a + " is an admin of two organizations");
    for (const auto& k : org.node_keys) {
      if (!keys.insert(k).second)
        return make_error(Errc::invalid_argument, "genesis: node key " + k.hex() + " is listed twice");
      ++node_count;
    }
  }
  if (node_count == 0) return make_error(Errc::invalid_argument, "genesis: no node keys");
  if (auto portal = check_portal_config(g.portal); !portal)
    return make_error(portal.error().code, "genesis: " + portal.error().message);
  if (g.organizations.size() > kMaxOrganizations)
    return make_error(Errc::invalid_argument, "genesis: more than 1000 organizations");
  if (auto s = check_approval_threshold(g.membership_threshold); !s)
    return make_error(Errc::invalid_argument, "genesis: " + s.error().message);
  return Status::ok();
}

NetworkId genesis_network_id(const Genesis& g) { return sha256(encode_genesis(g)); }

std::string checkpoint_origin(const Genesis& g) {
  return "patientvault/" + g.network + "/" + genesis_network_id(g).hex().substr(0, 16);
}

std::vector<StateChange> genesis_state_changes(const Genesis& g) {
  std::map<std::string, Bytes> writes;
  MembershipRecord membership;
  membership.threshold = g.membership_threshold;
  for (const auto& org : g.organizations) {
    OrganizationRecord record{org.name, org.role, org.admins, org.node_keys, OrgStatus::member, 0};
    writes[org_state_key(org.did)] = encode_organization_record(record);
    for (const auto& k : org.node_keys) writes[node_key_state_key(k)] = to_bytes(org.did);
    membership.members.push_back(org.did);
  }
  std::sort(membership.members.begin(), membership.members.end());
  writes[membership_state_key()] = encode_membership_record(membership);
  // The consent contract, deployed with the genesis organizations as its members.
  for (auto& change : consent_contract_genesis_changes(membership.members, g.time_ms))
    if (change.value) writes[change.key] = std::move(*change.value);
  std::vector<StateChange> out;
  for (auto& [key, value] : writes) out.push_back({key, std::move(value)});
  return out;
}

Block make_genesis_block(const Genesis& g) {
  Block b;
  b.header.network = genesis_network_id(g);
  b.header.height = 0;
  b.header.time_ms = g.time_ms;
  b.header.tx_count = 0;
  b.header.tx_results_hash = tx_results_hash({}, {});
  b.header.log_size = 0;
  b.header.log_root = merkle_empty_root();
  b.header.state_digest = chain_state_digest(Hash32{}, genesis_state_changes(g));
  return b;
}

}  // namespace pv
