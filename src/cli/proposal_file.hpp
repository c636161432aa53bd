#pragma once
// The membership proposal file that admins pass around to collect approvals offline
// (`pv org propose` writes it, `pv org approve` adds a signature, `pv org submit` sends it).
//
// {
//   "type": "pv-membership-proposal",
//   "network": "<network id, hex>", "networkName": "pv-consortium",
//   "digest": "<proposal digest, hex>",          // what an admin approves
//   "proposal": {...},                          // readable copy, for people; never trusted
//   "encoded": "<canonical proposal, base64>",  // the authoritative bytes
//   "approvals": [{"signer": "did:key:...", "signature": "<hex>"}]
// }
//
// Reading decodes "encoded", recomputes the digest and refuses a file whose "digest" differs,
// so what an admin is shown is exactly what their signature covers.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ledger/org_proposal.hpp"

namespace pv::cli {

struct ProposalFile {
  NetworkId network;
  std::string network_name;
  MembershipProposal proposal;
  std::vector<MembershipApproval> approvals;
};

nlohmann::json proposal_json(const MembershipProposal& p);   // the readable copy
std::string describe_proposal(const MembershipProposal& p);  // one paragraph for people
nlohmann::json proposal_file_json(const ProposalFile& f);
[[nodiscard]] Result<ProposalFile> parse_proposal_file(const nlohmann::json& j);
[[nodiscard]] Result<ProposalFile> read_proposal_file(const std::string& path);
// Writes through a temporary file and a rename, so a crash never leaves half a file.
[[nodiscard]] Status write_proposal_file(const std::string& path, const ProposalFile& f);

}  // namespace pv::cli
