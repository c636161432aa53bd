#include "node/record_access.hpp"

#include "ledger/consent_evm.hpp"
#include "ledger/consent_state.hpp"
#include "node/emergency_claim.hpp"

namespace pv {
namespace {

std::uint64_t now_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace

RecordAccess::RecordAccess(Node& node, std::shared_ptr<const ConsentContract> contract,
                           std::chrono::milliseconds commit_timeout)
    : node_(node),
      contract_(contract ? std::move(contract) : std::make_shared<EvmConsentContract>()),
      commit_timeout_(commit_timeout) {}

Result<RecordAccessResult> RecordAccess::read(AccessRequest request,
                                              std::optional<std::string> emergency_credential) {
  NodeStateView state(node_);
  RecordAccessResult out;
  // The height is read before the state: the state the contract sees is at least this height,
  // so the event never claims a height the decision had not reached.
  out.decided_height = node_.info().height;
  request.time_ms = now_ms();
  std::string claim_problem;
  if (emergency_credential) {
    auto claim =
        verify_emergency_credential(state, *emergency_credential, request.reader, request.time_ms);
    if (claim)
      request.emergency = std::move(*claim);
    else
      claim_problem = claim.error().message;
  }
  out.decision = contract_->decide(state, request);
  if (!out.decision.permitted && !claim_problem.empty())
    out.decision.reason = "emergency credential refused: " + claim_problem;
  if (out.decision.permitted) {
    auto keys = reader_keys(state, request.record, out.decision, read_envelope_);
    if (keys)
      out.keys = std::move(*keys);
    else
      out.keys_problem = keys.error().message;
  }

  AccessEvent event = access_event_for(request, out.decision, out.decided_height);
  auto submitted = node_.submit_as_node(kTxTypeAccessEvent, encode_access_event(event));
  if (!submitted)
    return make_error(
        Errc::unavailable,
        "the access event could not be written to the ledger, so nothing is served: " +
            submitted.error().message);
  out.event = *submitted;
  auto committed = node_.wait_committed({out.event}, commit_timeout_);
  if (!committed[0])
    return make_error(Errc::unavailable,
                      "the access event " + out.event.hex() +
                          " did not commit in time, so nothing is served; retry");
  if (committed[0]->result.code != TxCode::valid)
    return make_error(Errc::unavailable, "the ledger refused the access event " + out.event.hex() +
                                             " (" + committed[0]->result.reason +
                                             "), so nothing is served");
  out.event_committed = *committed[0];
  if (!out.decision.permitted) out.keys.reset();
  return out;
}

}  // namespace pv
