#pragma once
// JSON views of member organizations and credential revocations, written by the node's API
// (GET /v1/organizations, GET /v1/organizations/{did}, GET /v1/credentials/{jti}/status) and
// read back by clients. Node keys appear as did:key, times as RFC 3339 UTC, tx ids as hex.
// The parsers never throw: a shape mismatch is Errc::malformed naming the field.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ledger/credential_revocation.hpp"
#include "ledger/org_state.hpp"

namespace pv {

struct NamedOrganization {
  std::string did;
  OrganizationRecord record;
};

// {"did", "name", "role", "status": "member"|"removed", "since": height, "admins": [...],
//  "nodeKeys": ["did:key:..."], "mayIssuePractitionerCredentials": bool}
nlohmann::json organization_json(const NamedOrganization& org);
[[nodiscard]] Result<NamedOrganization> parse_organization_json(const nlohmann::json& j);

// {"version", "threshold": {"numerator", "denominator"}, "approvalsNeeded", "organizations": [...]}
nlohmann::json membership_json(const MembershipRecord& m,
                               const std::vector<NamedOrganization>& members);

// {"id", "revoked", "issuer"?, "revocations": [{"issuer", "height", "time", "tx"}]}. With
// `issuer`, "revoked" says whether that issuer revoked the id; without, whether anyone did.
nlohmann::json credential_status_json(const std::string& jti,
                                      const std::vector<CredentialRevocation>& list,
                                      const std::optional<std::string>& issuer);
[[nodiscard]] Result<std::vector<CredentialRevocation>> parse_credential_status_json(
    const nlohmann::json& j);

}  // namespace pv
