#include "cli/pseudonym_policies.hpp"

#include "cli/emergency_views.hpp"
#include "cli/record_holder.hpp"
#include "ledger/consent_payloads.hpp"

namespace pv::cli {

Result<std::size_t> give_pseudonyms_policy(api::NodeClient& client, const Actor& owner,
                                           const PseudonymStore& store,
                                           const std::vector<PseudonymEntry>& pseudonyms,
                                           const EmergencyPolicy& policy,
                                           std::chrono::milliseconds timeout) {
  auto info = client.info();
  if (!info) return info.error();
  std::size_t done = 0;
  for (const auto& e : pseudonyms) {
    auto current = fetch_emergency_policy(client, e.did);
    if (!current) return current.error();
    if (*current && (*current)->threshold == policy.threshold &&
        (*current)->custodians == policy.custodians)
      continue;
    auto pseudonym = pseudonym_actor(owner, store, e.did);
    if (!pseudonym) return pseudonym.error();
    const EmergencyPolicy copy{*current ? (*current)->epoch + 1 : 1, policy.threshold,
                               policy.custodians};
    Bytes tx = pseudonym->sign_transaction(info->network_id, kTxTypeEmergencyPolicy,
                                           encode_emergency_policy(copy));
    auto committed = client.submit_and_commit(tx, timeout);
    if (!committed) return committed.error();
    ++done;
  }
  return done;
}

}  // namespace pv::cli
