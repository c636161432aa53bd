// Fuzzes the organization and credential-revocation decoders (ledger/org_state.hpp,
// ledger/org_proposal.hpp, ledger/credential_revocation.hpp, ledger/genesis.hpp). The first byte
// picks the decoder (mod 6: membership change, proposal, credential revoke, organization record,
// membership record, genesis); the rest is the input. Invariants, for every input that decodes:
//  - canonicality: encode(decode(x)) == x, byte for byte;
//  - a change carries at least one approval; add/update proposals pass the field checks;
//  - a revoked credential id passes check_credential_id; members are sorted.
// Inputs that do not decode fail with a value naming what failed, never a crash.

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "ledger/credential_revocation.hpp"
#include "ledger/genesis.hpp"
#include "ledger/org_proposal.hpp"

namespace {

void require(bool ok, const char* invariant) {
  if (ok) return;
  std::fprintf(stderr, "org_payload_fuzz: invariant violated: %s\n", invariant);
  std::abort();
}

template <class T, class Encode>
void check(const pv::Result<T>& decoded, pv::ByteView input, Encode encode) {
  if (!decoded) {
    require(!decoded.error().message.empty(), "a decode error names what failed");
    return;
  }
  const pv::Bytes again = encode(*decoded);
  require(again.size() == input.size() && std::equal(again.begin(), again.end(), input.begin()),
          "encode(decode(x)) == x");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pv;
  if (size == 0) return 0;
  const ByteView input(data + 1, size - 1);
  switch (data[0] % 6) {
    case 0: {
      auto c = decode_membership_change(input);
      check(c, input, encode_membership_change);
      if (c) require(!c->approvals.empty(), "a change carries approvals");
      break;
    }
    case 1: {
      auto p = decode_membership_proposal(input);
      check(p, input, encode_membership_proposal);
      if (p && (p->action == OrgAction::add || p->action == OrgAction::update))
        require(check_organization_fields(p->organization, "fuzz").is_ok(),
                "proposed fields are valid");
      if (p && p->action == OrgAction::set_threshold)
        require(check_approval_threshold(p->threshold).is_ok() && p->did.empty(),
                "threshold proposal is valid");
      break;
    }
    case 2: {
      auto jti = decode_credential_revoke(input);
      check(jti, input, [](const std::string& s) { return encode_credential_revoke(s); });
      if (jti) require(check_credential_id(*jti).is_ok(), "revoked id is revocable");
      break;
    }
    case 3:
      check(decode_organization_record(input), input, encode_organization_record);
      break;
    case 4: {
      auto m = decode_membership_record(input);
      check(m, input, encode_membership_record);
      if (m) require(std::is_sorted(m->members.begin(), m->members.end()), "members sorted");
      break;
    }
    case 5: {
      auto g = decode_genesis(input);
      check(g, input, encode_genesis);
      if (g) require(check_genesis(*g).is_ok(), "a decoded genesis is valid");
      break;
    }
  }
  return 0;
}
