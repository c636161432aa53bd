#include "cli/node_ledger.hpp"

#include "cli/acting.hpp"
#include "codec/did_pv.hpp"

namespace pv::cli {
namespace {

Result<nlohmann::json> get_json(api::NodeClient& client, const std::string& target) {
  auto reply = client.call("GET", target);
  if (!reply) return reply.error();
  auto j = api::parse_json(reply->body);
  if (!j) return make_error(Errc::malformed, "the node's answer to GET " + target + " is not JSON");
  return j;
}

}  // namespace

Result<MembershipOnNode> membership_on_node(api::NodeClient& client) {
  auto j = get_json(client, "/v1/organizations");
  if (!j) return j.error();
  auto bad = [] {
    return make_error(Errc::malformed, "the node's membership answer has the wrong shape");
  };
  if (!j->is_object() || !(*j)["version"].is_number_unsigned() ||
      !(*j)["organizations"].is_array() || !(*j)["approvalsNeeded"].is_number_unsigned() ||
      !(*j)["threshold"].is_object() || !(*j)["threshold"]["numerator"].is_number_unsigned() ||
      !(*j)["threshold"]["denominator"].is_number_unsigned())
    return bad();
  MembershipOnNode out;
  out.answer = *j;
  out.membership.version = (*j)["version"].get<std::uint64_t>();
  out.membership.threshold = {(*j)["threshold"]["numerator"].get<std::uint32_t>(),
                              (*j)["threshold"]["denominator"].get<std::uint32_t>()};
  out.approvals_needed = (*j)["approvalsNeeded"].get<std::uint32_t>();
  for (const auto& o : (*j)["organizations"]) {
    auto org = parse_organization_json(o);
    if (!org) return org.error();
    out.membership.members.push_back(org->did);
    out.organizations.push_back(std::move(*org));
  }
  return out;
}

Result<std::optional<OrganizationRecord>> organization_on_node(api::NodeClient& client,
                                                               const std::string& did) {
  auto j = get_json(client, "/v1/organizations/" + did);
  if (!j) {
    if (j.error().code == Errc::not_found) return std::optional<OrganizationRecord>{};
    return j.error();
  }
  auto org = parse_organization_json(*j);
  if (!org) return org.error();
  return std::optional<OrganizationRecord>(std::move(org->record));
}

Result<PublicKey> NodeCredentialLedger::issuer_key(std::string_view key_id) {
  if (key_id.rfind("did:key:", 0) == 0) return resolve_did_key_method(key_id);
  auto url = parse_did_pv_url(key_id);
  if (!url || url->fragment.empty())
    return make_error(Errc::not_found, "issuer key " + std::string(key_id) +
                                           " is neither did:key nor a did:pv key URL");
  auto doc = resolve_did_pv_on_node(client_, url->did);
  if (!doc) return doc.error();
  if (doc->deactivated) return make_error(Errc::bad_signature, url->did + " is deactivated");
  for (const auto& k : doc->keys)
    if (k.id == url->fragment) return k.key;
  return make_error(Errc::bad_signature,
                    "#" + url->fragment + " is not an active key of " + url->did);
}

Result<std::optional<OrganizationRecord>> NodeCredentialLedger::organization(
    const std::string& did) {
  return organization_on_node(client_, did);
}

Result<std::vector<CredentialRevocation>> NodeCredentialLedger::revocations(
    const std::string& jti) {
  if (auto s = check_credential_id(jti); !s)
    return std::vector<CredentialRevocation>{};  // never revocable
  auto j = get_json(client_, "/v1/credentials/" + jti + "/status");
  if (!j) return j.error();
  return parse_credential_status_json(*j);
}

}  // namespace pv::cli
