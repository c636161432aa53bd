// Member organizations and credential status: public reads of the ledger state (no request
// signature needed). docs/api.md.
//   GET /v1/organizations                  the current members, membership version, threshold
//   GET /v1/organizations/{did}            one organization, member or removed
//   GET /v1/credentials/{jti}/status       revocations of a credential id [?issuer=DID]
//   GET /v1/contracts/consent              the consent contract version in force (docs/evm.md)

#include "api/routes.hpp"
#include "ledger/contract_version.hpp"
#include "ledger/credential_check.hpp"
#include "identity/org_json.hpp"

namespace pv::api {
namespace {

StateReader state_of(ApiContext& ctx) {
  return StateReader([&ctx](const std::string& key) { return ctx.node.read_state(key); });
}

}  // namespace

void add_org_routes(RouteTable& routes, ApiContext& ctx) {
  routes.get("GET /v1/organizations",
             [&ctx](const http::Request&, http::Response& res) {
               StateReader state = state_of(ctx);
               auto m = load_membership(state);
               if (!m) return send_error(res, m.error());
               std::vector<NamedOrganization> members;
               for (const auto& did : m->members) {
                 // Reads are per key, not one snapshot: a record that changed meanwhile is
                 // left out rather than reported as damage.
                 auto record = load_organization(state, did);
                 if (!record) return send_error(res, record.error());
                 if (*record && (*record)->status == OrgStatus::member)
                   members.push_back({did, std::move(**record)});
               }
               send_json(res, 200, membership_json(*m, members));
             });

  routes.get("GET /v1/organizations/{did}",
             [&ctx](const http::Request& req, http::Response& res) {
               auto did_param = parse_did(req.matches[1], "organization DID");
               if (!did_param) return send_error(res, did_param.error());
               const std::string& did = *did_param;
               StateReader state = state_of(ctx);
               auto record = load_organization(state, did);
               if (!record) return send_error(res, record.error());
               if (!*record)
                 return send_error(
                     res,
                     make_error(Errc::not_found,
                                did + " has never been a member organization of this network"));
               send_json(res, 200, organization_json({did, std::move(**record)}));
             });

  routes.get("GET /v1/contracts/consent", [&ctx](const http::Request&, http::Response& res) {
    StateReader state = state_of(ctx);
    auto v = load_contract_version(state);
    if (!v) return send_error(res, v.error());
    send_json(res, 200,
              nlohmann::json{{"address", "0x" + v->address.hex()},
                             {"codeHash", "0x" + v->code_hash.hex()},
                             {"gasCap", v->gas_cap},
                             {"version", v->version},
                             {"height", v->height},
                             {"sourceSha256", v->source_hash.hex()},
                             {"compiler", v->compiler}});
  });

  routes.get("GET /v1/credentials/{jti}/status",
             [&ctx](const http::Request& req, http::Response& res) {
               const std::string jti = req.matches[1];
               if (auto s = check_credential_id(jti); !s)
                 return send_error(res, make_error(Errc::invalid_argument,
                                                   "credential id: " + s.error().message));
               std::optional<std::string> issuer;
               if (req.has_param("issuer")) {
                 auto did = parse_did(req.get_param_value("issuer"), "issuer");
                 if (!did) return send_error(res, did.error());
                 issuer = std::move(*did);
               }
               StateReader state = state_of(ctx);
               auto list = load_credential_revocations(state, jti);
               if (!list) return send_error(res, list.error());
               send_json(res, 200, credential_status_json(jti, *list, issuer));
             });
}

}  // namespace pv::api
