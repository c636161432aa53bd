#include "cli/attestation_fetch.hpp"

#include "ledger/jose.hpp"

namespace pv::cli {

Result<AttestationId> parse_attestation_id(const std::string& text) {
  auto id = AttestationId::from_hex(text);
  if (!id || text.size() != 64)
    return make_error(Errc::invalid_argument,
                      "an attestation id is 64 hex digits (pv attest list shows them)");
  return *id;
}

Result<AttestationOnNode> attestation_from_json(const nlohmann::json& j) {
  auto bad = [](const std::string& what) {
    return make_error(Errc::malformed, "the node's attestation view is malformed: " + what);
  };
  if (!j.is_object() || !j.contains("id") || !j["id"].is_string() || !j.contains("payload") ||
      !j["payload"].is_string() || !j.contains("issuer") || !j["issuer"].is_string() ||
      !j.contains("height") || !j["height"].is_number_unsigned() || !j.contains("status") ||
      !j["status"].is_string())
    return bad("id, payload, issuer, height, status");
  AttestationOnNode out;
  auto id = parse_attestation_id(j["id"].get<std::string>());
  if (!id) return bad("id");
  out.id = *id;
  auto payload = base64url_decode(j["payload"].get<std::string>());
  if (!payload) return bad("payload");
  auto issue = decode_attestation_issue(*payload);
  if (!issue) return issue.error();
  out.state.issue = std::move(*issue);
  out.state.issuer = j["issuer"].get<std::string>();
  if (j.contains("attestedBy") && j["attestedBy"].is_string())
    out.state.attested_by = j["attestedBy"].get<std::string>();
  out.state.height = j["height"].get<std::uint64_t>();
  if (j.contains("time") && j["time"].is_number_unsigned())
    out.state.time_ms = j["time"].get<std::uint64_t>();
  out.state.revoked = j["status"] == "revoked";
  if (out.state.revoked && j.contains("revocation") && j["revocation"].is_object()) {
    const auto& r = j["revocation"];
    if (r.contains("height") && r["height"].is_number_unsigned())
      out.state.revoked_height = r["height"].get<std::uint64_t>();
    if (r.contains("by") && r["by"].is_string()) out.state.revoked_by = r["by"].get<std::string>();
    if (r.contains("reason") && r["reason"].is_string()) {
      auto reason = parse_attestation_revoke_reason(r["reason"].get<std::string>());
      if (reason) out.state.revoke_reason = *reason;
    }
  }
  return out;
}

Result<AttestationOnNode> fetch_attestation(api::NodeClient& client, const AttestationId& id) {
  auto reply = client.call("GET", "/v1/attestations/" + id.hex());
  if (!reply) return reply.error();
  auto j = nlohmann::json::parse(reply->body, nullptr, false);
  auto a = attestation_from_json(j);
  if (!a) return a.error();
  if (a->id != id) return make_error(Errc::corruption, "the node answered another attestation");
  return a;
}

}  // namespace pv::cli
