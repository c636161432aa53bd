#include "api/patient_lists.hpp"

#include "ledger/signer.hpp"

namespace pv::api {

Result<Page> parse_page(const http::Request& req) {
  Page page;
  if (req.has_param("from")) {
    auto from = parse_decimal(req.get_param_value("from"), "from");
    if (!from) return from.error();
    page.from = *from;
  }
  if (req.has_param("limit")) {
    auto limit = parse_decimal(req.get_param_value("limit"), "limit");
    if (!limit) return limit.error();
    if (*limit == 0 || *limit > kMaxPageSize)
      return make_error(Errc::invalid_argument, "limit must be 1.." + std::to_string(kMaxPageSize));
    page.limit = *limit;
  }
  return page;
}

Status require_signed_by(const SignedRequest& req, const std::string& owner, const char* what) {
  if (req.signer.did != owner)
    return make_error(Errc::forbidden, std::string(what) + " of " + owner +
                                           " can be read only with a request signed by " + owner +
                                           "; this one was signed by " + req.signer.did);
  return Status::ok();
}

std::uint64_t node_now_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

Result<LoadedAccessEvent> load_access_event(ApiContext& ctx, const TxId& id) {
  TxView view = ctx.node.get_tx(id);
  if (view.state != TxState::committed || !view.committed)
    return make_error(Errc::not_found, "access event " + id.hex() + " is not committed");
  auto tx = decode_transaction(view.encoded);
  if (!tx)
    return make_error(Errc::corruption,
                      "stored access event " + id.hex() + ": " + tx.error().message);
  if (tx->type != kTxTypeAccessEvent)
    return make_error(Errc::not_found, "transaction " + id.hex() + " is not an access event");
  auto event = decode_access_event(tx->payload);
  if (!event)
    return make_error(Errc::corruption,
                      "stored access event " + id.hex() + ": " + event.error().message);
  LoadedAccessEvent out{*event, {id, nonce_owner(tx->signer), *view.committed, {}}};
  NodeStateView state(ctx.node);
  if (auto rec = load_record(state, event->record); rec && *rec)
    out.context.record_category = (*rec)->anchor.category;
  return out;
}

}  // namespace pv::api
