// Rule of the legal-hold type (38): a legal officer's organization places a hold on a record, and
// only that organization lifts it.

#include <algorithm>

#include "ledger/consent_state.hpp"
#include "ledger/erasure/erasure_rules.hpp"
#include "ledger/erasure/erasure_state.hpp"
#include "ledger/signer.hpp"

namespace pv {
namespace {

std::string short_id(const Hash32& id) { return id.hex().substr(0, 16); }

}  // namespace

TxTypeRules legal_hold_rules() {
  TxTypeRules rules;
  rules.type = kTxTypeLegalHold;
  rules.name = "legal-hold";
  rules.check_form = [](const Transaction& tx) -> Status {
    return decode_legal_hold(tx.payload).status();
  };
  rules.apply = [](TxContext& ctx) -> Status {
    auto h = decode_legal_hold(ctx.tx.payload);
    if (!h) return h.error();
    const std::string signer = nonce_owner(ctx.tx.signer);
    auto org = check_officer_credential(ctx.state, h->credential, signer, kLegalOfficerRole,
                                        ctx.block_time_ms);
    if (!org) return org.error();
    auto erased = load_erasure_tombstone(ctx.state, h->record);
    if (!erased) return erased.error();
    if (*erased)
      return make_error(Errc::conflict, "record " + short_id(h->record) +
                                            " is already erased at height " +
                                            std::to_string((*erased)->height));
    if (!ctx.state.get(record_state_key(h->record)))
      return make_error(Errc::not_found, "no record " + short_id(h->record));
    auto holds = load_legal_holds(ctx.state, h->record);
    if (!holds) return holds.error();
    auto mine = std::find_if(holds->begin(), holds->end(),
                             [&](const LegalHoldState& s) { return s.organization == *org; });
    if (h->action == HoldAction::place) {
      if (mine != holds->end())
        return make_error(Errc::conflict, "record " + short_id(h->record) +
                                              " is already held by " + *org + " since height " +
                                              std::to_string(mine->height));
      LegalHoldState s{*org, signer, h->reason, ctx.height, ctx.block_time_ms};
      holds->insert(std::lower_bound(holds->begin(), holds->end(), s,
                                     [](const LegalHoldState& a, const LegalHoldState& b) {
                                       return a.organization < b.organization;
                                     }),
                    std::move(s));
    } else {
      if (mine == holds->end()) {
        if (holds->empty())
          return make_error(Errc::not_found,
                            "record " + short_id(h->record) + " has no legal hold to lift");
        return make_error(Errc::forbidden, "only the organization that placed a hold lifts it: " +
                                               legal_hold_verdict(holds->front()));
      }
      holds->erase(mine);
    }
    if (holds->empty())
      ctx.state.erase(legal_holds_key(h->record));
    else
      ctx.state.put(legal_holds_key(h->record), encode_legal_holds(*holds));
    return Status::ok();
  };
  return rules;
}

}  // namespace pv
