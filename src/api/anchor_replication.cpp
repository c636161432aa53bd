// The record-anchor gate of POST /v1/tx (docs/cluster.md, "Content replication"): a record
// anchor (type 30) is submitted only once the content it names is pinned on this node and on
// enough peers to make replication.copies nodes in all. Other transactions pass untouched, and
// so do anchors that do not decode or whose signature does not verify (the node refuses those
// itself, with the reason).

#include <spdlog/spdlog.h>

#include "api/key_envelopes.hpp"
#include "api/routes.hpp"
#include "content/cid.hpp"
#include "ledger/consent_payloads.hpp"
#include "ledger/transaction.hpp"
#include "node/content_replication.hpp"

namespace pv::api {

Status check_anchor_replication(ApiContext& ctx, ByteView encoded_tx) {
  if (ctx.replication == nullptr || ctx.replication->copies() == 0) return Status::ok();
  auto tx = decode_transaction(encoded_tx);
  if (!tx || tx->type != kTxTypeRecordAnchor) return Status::ok();
  auto anchor = decode_record_anchor(tx->payload);
  if (!anchor || !signed_by_its_signer(ctx, *tx)) return Status::ok();
  auto cid = content::Cid::decode(anchor->cid);
  if (!cid)
    return make_error(
        Errc::invalid_argument,
        "the record anchor's cid is not a CID of the content store: " + cid.error().message);
  auto replicas = ctx.replication->ensure_copies(*cid);
  if (!replicas) {
    spdlog::warn("record anchor refused: {}", replicas.error().message);
    return replicas.error();
  }
  std::string held;
  for (const auto& h : replicas->holders) held += (held.empty() ? "" : ", ") + h;
  spdlog::info("record content {} held by {} nodes ({})", cid->to_string(),
               replicas->holders.size(), held);
  return Status::ok();
}

}  // namespace pv::api
