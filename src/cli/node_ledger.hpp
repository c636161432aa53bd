#pragma once
// What `pv` reads about organizations and credentials from a node's public API
// (GET /v1/organizations[/{did}], GET /v1/credentials/{jti}/status, GET /v1/did/{did}). The
// answers are what the node claims: a client that does not trust the node should ask several.

#include <optional>
#include <string>
#include <vector>

#include "api/client.hpp"
#include "identity/org_json.hpp"
#include "ledger/credential_check.hpp"

namespace pv::cli {

struct MembershipOnNode {
  MembershipRecord membership;  // members, version, threshold
  std::vector<NamedOrganization> organizations;
  std::uint32_t approvals_needed = 0;
  nlohmann::json answer;  // the node's answer as it came
};

[[nodiscard]] Result<MembershipOnNode> membership_on_node(api::NodeClient& client);
// nullopt when the DID was never a member organization.
[[nodiscard]] Result<std::optional<OrganizationRecord>> organization_on_node(
    api::NodeClient& client, const std::string& did);

// CredentialLedger backed by a node's API.
class NodeCredentialLedger : public CredentialLedger {
 public:
  explicit NodeCredentialLedger(api::NodeClient& client) : client_(client) {}
  [[nodiscard]] Result<PublicKey> issuer_key(std::string_view key_id) override;
  [[nodiscard]] Result<std::optional<OrganizationRecord>> organization(
      const std::string& did) override;
  [[nodiscard]] Result<std::vector<CredentialRevocation>> revocations(
      const std::string& jti) override;

 private:
  api::NodeClient& client_;
};

}  // namespace pv::cli
