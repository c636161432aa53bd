// GET /v1/records/{id}/erasure: what `pv record erasure-status` shows (docs/erasure.md).

#include "api/erased_record.hpp"
#include "api/params.hpp"
#include "api/routes.hpp"
#include "base/time_text.hpp"
#include "codec/did_key.hpp"
#include "ledger/consent_state.hpp"
#include "ledger/org_state.hpp"
#include "node/record_access.hpp"

namespace pv::api {
namespace {

using nlohmann::json;

json hold_json(const LegalHoldState& h) {
  return {{"organization", h.organization},
          {"officer", h.officer},
          {"reason", std::string(hold_reason_code(h.reason))},
          {"height", h.height},
          {"time", rfc3339_from_ms(h.time_ms)},
          {"verdict", legal_hold_verdict(h)}};
}

// Every member node key with its receipt, or pending.
Result<json> node_receipts(const StateView& state, const RecordId& record, bool erased) {
  auto membership = load_membership(state);
  if (!membership) return membership.error();
  json confirmed = json::array(), pending = json::array();
  for (const auto& org_did : membership->members) {
    auto org = load_organization(state, org_did);
    if (!org) return org.error();
    if (!*org) continue;
    for (const auto& key : (*org)->node_keys) {
      const std::string did = did_key_from_public_key(key);
      auto r = erased ? load_erasure_receipt(state, record, key)
                      : Result<std::optional<ErasureReceiptState>>(std::nullopt);
      if (!r) return r.error();
      if (!*r) {
        pending.push_back({{"nodeKey", did}, {"organization", org_did}});
        continue;
      }
      const ErasureReceipt& rc = (*r)->receipt;
      confirmed.push_back({{"nodeKey", did},
                           {"organization", org_did},
                           {"transaction", (*r)->tx.hex()},
                           {"height", (*r)->height},
                           {"time", rfc3339_from_ms((*r)->time_ms)},
                           {"doneHeight", rc.done_height},
                           {"blocksDeleted", rc.blocks_deleted},
                           {"blocksShared", rc.blocks_shared},
                           {"keySlotsDeleted", rc.key_slots_deleted},
                           {"compacted", rc.compacted}});
    }
  }
  return json{{"confirmed", confirmed}, {"pending", pending}};
}

void erasure_status(ApiContext& ctx, SignedRequest& req, http::Response& res) {
  auto id = parse_tx_id(req.http.matches[1]);
  if (!id) return send_error(res, id.error());
  NodeStateView state(ctx.node);
  auto tombstone = load_erasure_tombstone(state, *id);
  if (!tombstone) return send_error(res, tombstone.error());
  json body = {{"record", id->hex()}, {"erased", tombstone->has_value()}};
  if (!*tombstone) {
    auto rec = load_record(state, *id);
    if (!rec) return send_error(res, rec.error());
    if (!*rec) return send_error(res, make_error(Errc::not_found, "no record " + id->hex()));
    if (req.signer.did != (*rec)->anchor.patient && req.signer.did != (*rec)->author)
      return send_error(res, make_error(Errc::forbidden,
                                        "a record's erasure status is shown to its patient and "
                                        "author until it is erased"));
  } else {
    const ErasureTombstone& t = **tombstone;
    json by = {{"kind", std::string(erased_by_name(t.by))}};
    if (!t.officer_organization.empty()) by["organization"] = t.officer_organization;
    body["tombstone"] = {{"height", t.height},
                         {"time", rfc3339_from_ms(t.time_ms)},
                         {"by", by},
                         {"reason", std::string(erasure_reason_code(t.reason))},
                         {"transaction", t.erase_tx.hex()},
                         {"recordOrganization", t.record_organization},
                         {"keySlotsDeleted", t.key_slots}};
  }
  auto holds = load_legal_holds(state, *id);
  if (!holds) return send_error(res, holds.error());
  json hold_list = json::array();
  for (const auto& h : *holds) hold_list.push_back(hold_json(h));
  body["holds"] = hold_list;
  auto receipts = node_receipts(state, *id, tombstone->has_value());
  if (!receipts) return send_error(res, receipts.error());
  body["receipts"] = (*receipts)["confirmed"];
  body["pending"] = (*receipts)["pending"];
  send_json(res, 200, body);
}

}  // namespace

void add_erasure_routes(RouteTable& routes, ApiContext& ctx) {
  routes.get("GET /v1/records/{id}/erasure",
             signed_get(ctx, [&ctx](SignedRequest& req, http::Response& res) {
               erasure_status(ctx, req, res);
             }));
}

}  // namespace pv::api
