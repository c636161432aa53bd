// Rule of the pseudonyms-only type (42): a patient sets or lifts, for her own DID, the rule that
// refuses record anchors naming her DID (docs/erasure.md, "Pseudonyms only"). The record-anchor
// rule asks `check_anchor_patient_allowed`.

#include "ledger/erasure/erasure_rules.hpp"
#include "ledger/erasure/erasure_state.hpp"
#include "ledger/signer.hpp"

namespace pv {

Status check_anchor_patient_allowed(const StateView& state, const std::string& patient) {
  auto rule = load_pseudonyms_only(state, patient);
  if (!rule) return rule.error();
  if (!*rule) return Status::ok();
  return make_error(
      Errc::forbidden,
      "patient " + patient + " accepts records only under her pseudonyms (since height " +
          std::to_string((*rule)->height) +
          "): ask her for a pseudonym pool and anchor under it (pv pseudonym import)");
}

TxTypeRules pseudonyms_only_rules() {
  TxTypeRules rules;
  rules.type = kTxTypePseudonymsOnly;
  rules.name = "pseudonyms-only";
  rules.check_form = [](const Transaction& tx) -> Status {
    return decode_pseudonyms_only(tx.payload).status();
  };
  rules.apply = [](TxContext& ctx) -> Status {
    auto p = decode_pseudonyms_only(ctx.tx.payload);
    if (!p) return p.error();
    const std::string patient = nonce_owner(ctx.tx.signer);
    auto current = load_pseudonyms_only(ctx.state, patient);
    if (!current) return current.error();
    if (p->setting == PseudonymsOnlySetting::require) {
      if (*current)
        return make_error(Errc::conflict, patient +
                                              " already accepts records only under her "
                                              "pseudonyms, since height " +
                                              std::to_string((*current)->height));
      ctx.state.put(pseudonyms_only_key(patient),
                    encode_pseudonyms_only_state({ctx.height, ctx.block_time_ms}));
      return Status::ok();
    }
    if (!*current)
      return make_error(Errc::conflict,
                        patient + " has no pseudonyms-only rule to lift: records may name her DID");
    ctx.state.erase(pseudonyms_only_key(patient));
    return Status::ok();
  };
  return rules;
}

}  // namespace pv
