#include "ledger/tx_registry.hpp"

#include "ledger/anchor_rules.hpp"
#include "ledger/attestation_rules.hpp"
#include "ledger/consent_rules.hpp"
#include "ledger/credential_revocation.hpp"
#include "ledger/did_pv_rules.hpp"
#include "ledger/emergency_rules.hpp"
#include "ledger/erasure/erasure_rules.hpp"
#include "ledger/org_rules.hpp"

namespace pv {

Status TxRegistry::add(TxTypeRules rules) {
  if (rules.type == 0) return make_error(Errc::invalid_argument, "transaction type 0 is reserved");
  if (types_.count(rules.type)) return make_error(Errc::conflict, "transaction type already registered");
  for (const auto& [_, r] : types_)
    if (r.name == rules.name) return make_error(Errc::conflict, "transaction type name already registered");
  types_.emplace(rules.type, std::move(rules));
  return Status::ok();
}

const TxTypeRules* TxRegistry::find(TxType type) const {
  auto it = types_.find(type);
  return it == types_.end() ? nullptr : &it->second;
}

const TxRegistry& builtin_tx_registry() {
  static const TxRegistry registry = [] {
    TxRegistry r;
    if (!r.add(anchor_rules()) || !add_did_pv_rules(r) || !r.add(org_membership_rules()) ||
        !r.add(credential_revoke_rules()) || !add_consent_rules(r) || !add_emergency_rules(r) ||
        !add_attestation_rules(r) || !add_erasure_rules(r))
      std::abort();
    return r;
  }();
  return registry;
}

}  // namespace pv
