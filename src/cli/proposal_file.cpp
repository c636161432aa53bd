#include "cli/proposal_file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/json_views.hpp"
#include "codec/did_key.hpp"
#include "identity/did_pv_document.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;

constexpr std::string_view kFileType = "pv-membership-proposal";

Error bad(const std::string& why) {
  return make_error(Errc::malformed, "proposal file: " + why);
}

}  // namespace

json proposal_json(const MembershipProposal& p) {
  json j = {{"action", org_action_name(p.action)},
            {"membershipVersion", p.membership_version},
            {"expires", rfc3339_from_ms(p.expires_ms)}};
  if (p.action == OrgAction::set_threshold) {
    j["threshold"] = {{"numerator", p.threshold.numerator},
                      {"denominator", p.threshold.denominator}};
    return j;
  }
  if (p.action == OrgAction::contract_version) {
    j["contract"] = {{"sourceSha256", sha256(as_bytes(p.contract.source)).hex()},
                     {"sourceBytes", p.contract.source.size()},
                     {"settings", p.contract.settings},
                     {"compiler", p.contract.compiler},
                     {"initCodeBytes", p.contract.init_code.size()}};
    return j;
  }
  j["organization"] = p.did;
  if (p.action == OrgAction::add || p.action == OrgAction::update) {
    json keys = json::array();
    for (const auto& k : p.organization.node_keys) keys.push_back(did_key_from_public_key(k));
    j["name"] = p.organization.name;
    j["role"] = p.organization.role;
    j["admins"] = p.organization.admins;
    j["nodeKeys"] = keys;
  }
  return j;
}

std::string describe_proposal(const MembershipProposal& p) {
  if (p.action == OrgAction::contract_version)
    return "adopt a new consent contract version: source SHA-256 " +
           sha256(as_bytes(p.contract.source)).hex() + " (" +
           std::to_string(p.contract.source.size()) + " bytes), compiled by solc " +
           p.contract.compiler + " into " + std::to_string(p.contract.init_code.size()) +
           " bytes of init code\n  check it: pv contract verify SOURCE --settings FILE --proposal "
           "FILE\n  applies to membership version " +
           std::to_string(p.membership_version) + ", expires " + rfc3339_from_ms(p.expires_ms);
  std::string s = p.action == OrgAction::set_threshold
                      ? "set the approval threshold: a change will need more than " +
                            std::to_string(p.threshold.numerator) + "/" +
                            std::to_string(p.threshold.denominator) + " of the member organizations"
                      : std::string(org_action_name(p.action)) + " organization " + p.did;
  if (p.action == OrgAction::add || p.action == OrgAction::update) {
    s += "\n  name: " + p.organization.name + "\n  role: " + p.organization.role + "\n  admins:";
    for (const auto& a : p.organization.admins) s += " " + a;
    s += "\n  node keys:";
    if (p.organization.node_keys.empty()) s += " (none)";
    for (const auto& k : p.organization.node_keys) s += " " + did_key_from_public_key(k);
  }
  s += "\n  applies to membership version " + std::to_string(p.membership_version) + ", expires " +
       rfc3339_from_ms(p.expires_ms);
  return s;
}

json proposal_file_json(const ProposalFile& f) {
  json approvals = json::array();
  for (const auto& a : f.approvals)
    approvals.push_back({{"signer", a.signer}, {"signature", a.signature.hex()}});
  return {{"type", kFileType},
          {"network", f.network.hex()},
          {"networkName", f.network_name},
          {"digest", proposal_digest(f.network, f.proposal).hex()},
          {"proposal", proposal_json(f.proposal)},
          {"encoded", to_base64(encode_membership_proposal(f.proposal))},
          {"approvals", approvals}};
}

Result<ProposalFile> parse_proposal_file(const json& j) {
  if (!j.is_object() || !j.contains("type") || j["type"] != kFileType)
    return bad("not a membership proposal (\"type\" is not \"pv-membership-proposal\")");
  for (const char* field : {"network", "digest", "encoded"})
    if (!j.contains(field) || !j[field].is_string())
      return bad(std::string("\"") + field + "\" (string) is required");
  ProposalFile f;
  auto network = NetworkId::from_hex(j["network"].get<std::string>());
  if (!network) return bad("\"network\" is not a 32-byte hex network id");
  f.network = *network;
  if (j.contains("networkName") && j["networkName"].is_string())
    f.network_name = j["networkName"].get<std::string>();
  auto encoded = from_base64(j["encoded"].get<std::string>());
  if (!encoded) return bad("\"encoded\" is not base64");
  auto proposal = decode_membership_proposal(*encoded);
  if (!proposal) return bad(proposal.error().message);
  f.proposal = std::move(*proposal);
  if (proposal_digest(f.network, f.proposal).hex() != j["digest"].get<std::string>())
    return bad(
        "\"digest\" does not match the encoded proposal; the file was altered, ask for a fresh "
        "copy");
  if (j.contains("approvals")) {
    if (!j["approvals"].is_array()) return bad("\"approvals\" must be an array");
    for (const auto& a : j["approvals"]) {
      if (!a.is_object() || !a.contains("signer") || !a["signer"].is_string() ||
          !a.contains("signature") || !a["signature"].is_string())
        return bad("each approval has \"signer\" and \"signature\" strings");
      auto sig = Signature::from_hex(a["signature"].get<std::string>());
      if (!sig) return bad("an approval's signature is not 64 bytes of hex");
      f.approvals.push_back({a["signer"].get<std::string>(), *sig});
    }
  }
  return f;
}

Result<ProposalFile> read_proposal_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(Errc::not_found, "cannot read proposal file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = api::parse_json(ss.str());
  if (!j) return make_error(Errc::malformed, path + " is not JSON");
  auto f = parse_proposal_file(*j);
  if (!f) return make_error(f.error().code, path + ": " + f.error().message);
  return f;
}

Status write_proposal_file(const std::string& path, const ProposalFile& f) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return make_error(Errc::io, "cannot write " + tmp);
    out << proposal_file_json(f).dump(2) << "\n";
    out.flush();
    if (!out) return make_error(Errc::io, "cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return make_error(Errc::io, "cannot rename " + tmp + " to " + path + ": " + ec.message());
  return Status::ok();
}

}  // namespace pv::cli
