#include "api/key_envelopes.hpp"

#include "content/cid.hpp"
#include "crypto/sha256.hpp"
#include "ledger/signer.hpp"
#include "ledger/transaction.hpp"
#include "node/content_replication.hpp"
#include "node/record_access.hpp"

namespace pv::api {
namespace {

Result<content::Cid> envelope_cid(ByteView binary) {
  auto cid = content::Cid::decode(binary);
  if (!cid)
    return make_error(Errc::invalid_argument,
                      "a key envelope's cid does not decode: " + cid.error().message);
  if (cid->codec() != content::Multicodec::raw)
    return make_error(Errc::invalid_argument,
                      "a key envelope is a raw block (cid codec 0x55): " + cid->to_string());
  return cid;
}

// The envelope's bytes, from this node's own store only: the client uploads it here before
// submitting (as it does the content).
Result<Bytes> local_envelope(ApiContext& ctx, const content::Cid& cid) {
  content::BlockStore* local = ctx.local_blocks ? ctx.local_blocks : ctx.blocks;
  if (local == nullptr)
    return make_error(Errc::unavailable, "this node has no content store for key envelopes");
  auto held = local->has(cid);
  if (!held) return held.error();
  if (!*held)
    return make_error(Errc::conflict, "key envelope " + cid.to_string() +
                                          " is not on this node: upload it (POST /v1/blocks) "
                                          "before the transaction that names it");
  auto bytes = local->get(cid);
  if (!bytes) return bytes.error();
  if (sha256(*bytes) != cid.digest())
    return make_error(Errc::corruption,
                      "key envelope " + cid.to_string() + " does not match its cid on this node");
  return bytes;
}

// Pinned here, and held by as many nodes as the record's content.
Status keep_envelope(ApiContext& ctx, const content::Cid& cid) {
  if (ctx.replication != nullptr && ctx.replication->copies() > 0) {
    auto replicas = ctx.replication->ensure_copies(cid);
    if (!replicas) return replicas.error();
    return Status::ok();
  }
  content::BlockStore* local = ctx.local_blocks ? ctx.local_blocks : ctx.blocks;
  return local->pin(cid);
}

Status admit_anchor(ApiContext& ctx, const Transaction& tx, const RecordAnchor& anchor) {
  auto cid = envelope_cid(ByteView(anchor.key_envelope));
  if (!cid) return cid.error();
  auto bytes = local_envelope(ctx, *cid);
  if (!bytes) return bytes.error();
  auto opened = open_record_key_envelope(anchor, *bytes);
  if (!opened) return opened.error();
  NodeStateView state(ctx.node);
  PV_TRY(check_record_keys(state, *opened, nonce_owner(tx.signer)));
  return keep_envelope(ctx, *cid);
}

Status admit_grant(ApiContext& ctx, const ConsentGrant& grant) {
  NodeStateView state(ctx.node);
  for (const auto& k : grant.record_keys) {
    if (k.key_envelope.empty()) continue;
    auto cid = envelope_cid(ByteView(k.key_envelope));
    if (!cid) return cid.error();
    auto bytes = local_envelope(ctx, *cid);
    if (!bytes) return bytes.error();
    auto key = open_grant_key_envelope(k.record, *bytes);
    if (!key) return key.error();
    PV_TRY(check_recipient(state, grant.grantee, key->recipient,
                           "the grantee's wrapped key of record " + k.record.hex().substr(0, 16)));
    PV_TRY(keep_envelope(ctx, *cid));
  }
  return Status::ok();
}

Status admit_release(ApiContext& ctx, const EmergencyRelease& release) {
  auto cid = envelope_cid(ByteView(release.sealed_envelope));
  if (!cid) return cid.error();
  auto bytes = local_envelope(ctx, *cid);
  if (!bytes) return bytes.error();
  auto sealed = open_release_key_envelope(release, *bytes);
  if (!sealed) return sealed.error();
  return keep_envelope(ctx, *cid);
}

}  // namespace

KeyEnvelopeReader key_envelope_reader(ApiContext& ctx) {
  return [&ctx](ByteView binary) -> Result<Bytes> {
    auto cid = envelope_cid(binary);
    if (!cid) return cid.error();
    if (ctx.blocks == nullptr)
      return make_error(Errc::unavailable, "this node has no content store for key envelopes");
    auto bytes = ctx.blocks->get(*cid);
    if (!bytes) return bytes.error();
    if (sha256(*bytes) != cid->digest())
      return make_error(Errc::corruption,
                        "key envelope " + cid->to_string() + " does not match its cid");
    return bytes;
  };
}

Result<RecordState> with_opened_keys(ApiContext& ctx, RecordState record) {
  auto anchor = with_record_keys(std::move(record.anchor), key_envelope_reader(ctx));
  if (!anchor) return anchor.error();
  record.anchor = std::move(*anchor);
  return record;
}

bool signed_by_its_signer(ApiContext& ctx, const Transaction& tx) {
  NodeStateView state(ctx.node);
  auto key = resolve_did_url_key(state, tx.signer);
  return key && verify_transaction_signature(ctx.node.info().network_id, tx, *key);
}

Status check_key_envelopes(ApiContext& ctx, ByteView encoded_tx) {
  auto tx = decode_transaction(encoded_tx);
  if (!tx) return Status::ok();  // the node refuses it with the decoder's reason
  if (tx->type != kTxTypeRecordAnchor && tx->type != kTxTypeConsentGrant &&
      tx->type != kTxTypeEmergencyRelease)
    return Status::ok();
  if (!signed_by_its_signer(ctx, *tx)) return Status::ok();
  if (tx->type == kTxTypeRecordAnchor) {
    auto anchor = decode_record_anchor(tx->payload);
    if (!anchor || !has_key_envelope(*anchor)) return Status::ok();
    return admit_anchor(ctx, *tx, *anchor);
  }
  if (tx->type == kTxTypeConsentGrant) {
    auto grant = decode_consent_grant(tx->payload);
    if (!grant) return Status::ok();
    return admit_grant(ctx, *grant);
  }
  auto release = decode_emergency_release(tx->payload);
  if (!release || release->sealed_envelope.empty()) return Status::ok();
  return admit_release(ctx, *release);
}

}  // namespace pv::api
