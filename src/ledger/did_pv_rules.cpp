#include "ledger/did_pv_rules.hpp"

#include "codec/binary.hpp"
#include "codec/did_pv.hpp"

namespace pv {
namespace {

constexpr std::string_view kRecoveryKeyId = "recovery";

Status check_device_keys(const std::vector<DidKeyEntry>& keys) {
  for (const auto& k : keys)
    if (k.id == kRecoveryKeyId) return make_error(Errc::invalid_argument, "key id \"recovery\" is reserved");
  return Status::ok();
}

void write_record(TxContext& ctx, const std::string& did, DidRecord record) {
  record.updated_ms = ctx.block_time_ms;
  record.last_tx = ctx.id;
  Bytes encoded = encode_did_record(record);
  ctx.state.put(did_version_state_key(did, record.version), encoded);
  ctx.state.put(did_state_key(did), std::move(encoded));
}

Status check_version(const DidRecord& record, std::uint64_t previous_version) {
  if (record.version != previous_version)
    return make_error(Errc::conflict, "the operation applies to version " + std::to_string(previous_version) +
                                          " but the document is at version " + std::to_string(record.version));
  return Status::ok();
}

TxTypeRules create_rules() {
  TxTypeRules rules;
  rules.type = kTxTypeDidCreate;
  rules.name = "did-create";
  rules.check_form = [](const Transaction& tx) -> Status {
    auto c = decode_did_create(tx.payload);
    if (!c) return c.error();
    return check_device_keys(c->keys);
  };
  // The DID does not exist yet: the signature must verify under one of the keys it creates, and
  // the signer must be the very DID this payload derives on this network.
  rules.signer_key = [](const NetworkId& network, const Transaction& tx, const StateView&) -> Result<PublicKey> {
    auto c = decode_did_create(tx.payload);
    if (!c) return c.error();
    auto url = parse_did_pv_url(tx.signer);
    if (!url) return url.error();
    if (url->did != did_pv_from_create(network, tx.payload))
      return make_error(Errc::bad_signature, "signer is not the DID this create operation makes");
    for (const auto& k : c->keys)
      if (k.id == url->fragment) return k.key;
    return make_error(Errc::bad_signature, "signer key #" + url->fragment + " is not among the created keys");
  };
  rules.apply = [](TxContext& ctx) -> Status {
    auto c = decode_did_create(ctx.tx.payload);
    if (!c) return c.error();
    std::string did = did_pv_from_create(ctx.network, ctx.tx.payload);
    if (ctx.state.get(did_state_key(did))) return make_error(Errc::conflict, did + " already exists");
    DidRecord record;
    record.version = 1;
    record.created_ms = ctx.block_time_ms;
    record.keys = c->keys;
    record.recovery_commitment = c->recovery_commitment;
    write_record(ctx, did, std::move(record));
    return Status::ok();
  };
  return rules;
}

Status apply_update(DidRecord& record, const DidUpdate& u) {
  auto find = [&](const std::string& id) {
    for (std::size_t i = 0; i < record.keys.size(); ++i)
      if (record.keys[i].id == id) return static_cast<std::ptrdiff_t>(i);
    return std::ptrdiff_t{-1};
  };
  switch (u.op) {
    case DidUpdateOp::add_key:
      PV_TRY(check_device_keys(u.keys));
      if (find(u.keys[0].id) >= 0) return make_error(Errc::conflict, "key #" + u.keys[0].id + " already exists");
      for (const auto& k : record.keys)
        if (k.key == u.keys[0].key) return make_error(Errc::conflict, "that key is already in the document");
      if (record.keys.size() >= kMaxDidKeys) return make_error(Errc::invalid_argument, "a DID holds at most 16 keys");
      record.keys.push_back(u.keys[0]);
      return Status::ok();
    case DidUpdateOp::remove_key: {
      auto i = find(u.key_id);
      if (i < 0) return make_error(Errc::not_found, "no key #" + u.key_id);
      if (record.keys.size() == 1) return make_error(Errc::invalid_argument, "cannot remove the last key; rotate or deactivate");
      record.keys.erase(record.keys.begin() + i);
      return Status::ok();
    }
    case DidUpdateOp::rotate:
      PV_TRY(check_device_keys(u.keys));
      record.keys = u.keys;
      return Status::ok();
    case DidUpdateOp::deactivate:
      record.deactivated = true;
      record.keys.clear();
      return Status::ok();
  }
  return make_error(Errc::malformed, "unknown operation");
}

TxTypeRules update_rules() {
  TxTypeRules rules;
  rules.type = kTxTypeDidUpdate;
  rules.name = "did-update";
  rules.check_form = [](const Transaction& tx) -> Status {
    if (!is_did_pv(tx.signer)) return make_error(Errc::malformed, "a did:pv update is signed by one of the DID's keys");
    return decode_did_update(tx.payload).status();
  };
  // The signer's key is resolved from the current document (ledger/signer.cpp): only an active
  // device key of a live DID gets here.
  rules.apply = [](TxContext& ctx) -> Status {
    auto u = decode_did_update(ctx.tx.payload);
    if (!u) return u.error();
    std::string did(did_without_fragment(ctx.tx.signer));
    auto record = load_did_record(ctx.state, did);
    if (!record) return record.error();
    PV_TRY(check_version(*record, u->previous_version));
    PV_TRY(apply_update(*record, *u));
    ++record->version;
    write_record(ctx, did, std::move(*record));
    return Status::ok();
  };
  return rules;
}

TxTypeRules recover_rules() {
  TxTypeRules rules;
  rules.type = kTxTypeDidRecover;
  rules.name = "did-recover";
  rules.check_form = [](const Transaction& tx) -> Status {
    auto rc = decode_did_recover(tx.payload);
    if (!rc) return rc.error();
    if (tx.signer != rc->did + "#" + std::string(kRecoveryKeyId))
      return make_error(Errc::malformed, "a recovery is signed as <did>#recovery");
    return check_device_keys(rc->keys);
  };
  // Checked against state before the signature counts: a key that does not match the
  // commitment must not even spend the DID's nonce.
  rules.signer_key = [](const NetworkId&, const Transaction& tx, const StateView& state) -> Result<PublicKey> {
    auto rc = decode_did_recover(tx.payload);
    if (!rc) return rc.error();
    auto record = load_did_record(state, rc->did);
    if (!record) return record.error();
    if (record->deactivated) return make_error(Errc::bad_signature, rc->did + " is deactivated");
    if (sha256(rc->recovery_key.view()) != record->recovery_commitment)
      return make_error(Errc::bad_signature, "not the recovery key that " + rc->did + " commits to");
    return rc->recovery_key;
  };
  rules.apply = [](TxContext& ctx) -> Status {
    auto rc = decode_did_recover(ctx.tx.payload);
    if (!rc) return rc.error();
    auto record = load_did_record(ctx.state, rc->did);
    if (!record) return record.error();
    PV_TRY(check_version(*record, rc->previous_version));
    if (rc->action == DidRecoverAction::deactivate) {
      record->deactivated = true;
      record->keys.clear();
    } else {
      record->keys = rc->keys;
      record->recovery_commitment = rc->next_recovery_commitment;
    }
    ++record->version;
    write_record(ctx, rc->did, std::move(*record));
    return Status::ok();
  };
  return rules;
}

}  // namespace

std::string did_state_key(const std::string& did) { return "did/" + did; }

std::string did_version_state_key(const std::string& did, std::uint64_t version) {
  BinaryWriter w;
  w.u64(version);
  return "didv/" + did + "/" + to_hex(w.bytes());
}

Result<DidRecord> load_did_record(const StateView& state, const std::string& did) {
  auto bytes = state.get(did_state_key(did));
  if (!bytes) return make_error(Errc::not_found, did + " does not exist on this ledger");
  auto record = decode_did_record(*bytes);
  if (!record) return make_error(Errc::corruption, "stored document of " + did + " does not decode");
  return record;
}

Status add_did_pv_rules(TxRegistry& registry) {
  PV_TRY(registry.add(create_rules()));
  PV_TRY(registry.add(update_rules()));
  return registry.add(recover_rules());
}

}  // namespace pv
