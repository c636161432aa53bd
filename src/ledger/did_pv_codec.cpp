// Canonical encodings of the did:pv payloads and state records (fixed-width, length-prefixed).

#include "codec/binary.hpp"
#include "codec/did_pv.hpp"
#include "ledger/did_pv_rules.hpp"

namespace pv {
namespace {

constexpr std::uint8_t kDidPayloadVersion = 1;

void write_keys(BinaryWriter& w, const std::vector<DidKeyEntry>& keys) {
  w.u32(static_cast<std::uint32_t>(keys.size()));
  for (const auto& k : keys) {
    w.var(k.id);
    w.fixed(k.key);
  }
}

Result<std::vector<DidKeyEntry>> read_keys(BinaryReader& r, std::size_t min_keys) {
  auto n = r.u32("key count");
  if (!n) return n.error();
  if (*n < min_keys || *n > kMaxDidKeys)
    return make_error(Errc::malformed, "a DID holds " + std::to_string(min_keys) + " to " +
                                           std::to_string(kMaxDidKeys) + " keys");
  std::vector<DidKeyEntry> keys;
  for (std::uint32_t i = 0; i < *n; ++i) {
    auto id = r.text(kMaxDidKeyIdBytes, "key id");
    if (!id) return id.error();
    PV_TRY(check_did_key_id(*id));
    auto key = r.fixed<32>("public key");
    if (!key) return key.error();
    for (const auto& k : keys)
      if (k.id == *id || k.key == *key) return make_error(Errc::malformed, "key id or key listed twice");
    keys.push_back({*id, *key});
  }
  return keys;
}

Status read_version(BinaryReader& r) {
  auto v = r.u8("payload version");
  if (!v) return v.error();
  if (*v != kDidPayloadVersion) return make_error(Errc::malformed, "unsupported did:pv payload version");
  return Status::ok();
}

}  // namespace

Bytes encode_did_create(const DidCreate& c) {
  BinaryWriter w;
  w.u8(kDidPayloadVersion);
  write_keys(w, c.keys);
  w.fixed(c.recovery_commitment);
  return w.take();
}

Result<DidCreate> decode_did_create(ByteView b) {
  BinaryReader r(b);
  PV_TRY(read_version(r));
  DidCreate c;
  auto keys = read_keys(r, 1);
  if (!keys) return keys.error();
  c.keys = std::move(*keys);
  auto rc = r.fixed<32>("recovery commitment");
  if (!rc) return rc.error();
  c.recovery_commitment = *rc;
  PV_TRY(r.expect_end("did create"));
  return c;
}

Bytes encode_did_update(const DidUpdate& u) {
  BinaryWriter w;
  w.u8(kDidPayloadVersion);
  w.u64(u.previous_version);
  w.u8(static_cast<std::uint8_t>(u.op));
  if (u.op == DidUpdateOp::add_key || u.op == DidUpdateOp::rotate) write_keys(w, u.keys);
  if (u.op == DidUpdateOp::remove_key) w.var(u.key_id);
  return w.take();
}

Result<DidUpdate> decode_did_update(ByteView b) {
  BinaryReader r(b);
  PV_TRY(read_version(r));
  DidUpdate u;
  auto prev = r.u64("previous version");
  if (!prev) return prev.error();
  u.previous_version = *prev;
  auto op = r.u8("operation");
  if (!op) return op.error();
  if (*op < 1 || *op > 4) return make_error(Errc::malformed, "unknown did:pv update operation");
  u.op = static_cast<DidUpdateOp>(*op);
  if (u.op == DidUpdateOp::add_key || u.op == DidUpdateOp::rotate) {
    auto keys = read_keys(r, 1);
    if (!keys) return keys.error();
    if (u.op == DidUpdateOp::add_key && keys->size() != 1)
      return make_error(Errc::malformed, "add-key adds exactly one key");
    u.keys = std::move(*keys);
  }
  if (u.op == DidUpdateOp::remove_key) {
    auto id = r.text(kMaxDidKeyIdBytes, "key id");
    if (!id) return id.error();
    PV_TRY(check_did_key_id(*id));
    u.key_id = *id;
  }
  PV_TRY(r.expect_end("did update"));
  return u;
}

Bytes encode_did_recover(const DidRecover& rc) {
  BinaryWriter w;
  w.u8(kDidPayloadVersion);
  w.var(rc.did);
  w.u64(rc.previous_version);
  w.fixed(rc.recovery_key);
  w.u8(static_cast<std::uint8_t>(rc.action));
  if (rc.action == DidRecoverAction::replace_keys) {
    write_keys(w, rc.keys);
    w.fixed(rc.next_recovery_commitment);
  }
  return w.take();
}

Result<DidRecover> decode_did_recover(ByteView b) {
  BinaryReader r(b);
  PV_TRY(read_version(r));
  DidRecover rc;
  auto did = r.text(128, "did");
  if (!did) return did.error();
  auto url = parse_did_pv_url(*did);
  if (!url || !url->fragment.empty()) return make_error(Errc::malformed, "recover names a bare did:pv");
  rc.did = *did;
  auto prev = r.u64("previous version");
  if (!prev) return prev.error();
  rc.previous_version = *prev;
  auto key = r.fixed<32>("recovery key");
  if (!key) return key.error();
  rc.recovery_key = *key;
  auto action = r.u8("recover action");
  if (!action) return action.error();
  if (*action < 1 || *action > 2) return make_error(Errc::malformed, "unknown did:pv recover action");
  rc.action = static_cast<DidRecoverAction>(*action);
  if (rc.action == DidRecoverAction::replace_keys) {
    auto keys = read_keys(r, 1);
    if (!keys) return keys.error();
    rc.keys = std::move(*keys);
    auto next = r.fixed<32>("next recovery commitment");
    if (!next) return next.error();
    rc.next_recovery_commitment = *next;
  }
  PV_TRY(r.expect_end("did recover"));
  return rc;
}

Bytes encode_did_record(const DidRecord& d) {
  BinaryWriter w;
  w.u64(d.version);
  w.u8(d.deactivated ? 1 : 0);
  w.u64(d.created_ms);
  w.u64(d.updated_ms);
  write_keys(w, d.keys);
  w.fixed(d.recovery_commitment);
  w.fixed(d.last_tx);
  return w.take();
}

Result<DidRecord> decode_did_record(ByteView b) {
  BinaryReader r(b);
  DidRecord d;
  auto version = r.u64("version");
  if (!version) return version.error();
  auto deactivated = r.u8("deactivated");
  if (!deactivated || *deactivated > 1) return make_error(Errc::corruption, "bad deactivated flag");
  auto created = r.u64("created");
  if (!created) return created.error();
  auto updated = r.u64("updated");
  if (!updated) return updated.error();
  auto keys = read_keys(r, 0);
  if (!keys) return keys.error();
  auto rc = r.fixed<32>("recovery commitment");
  if (!rc) return rc.error();
  auto last = r.fixed<32>("last tx");
  if (!last) return last.error();
  PV_TRY(r.expect_end("did record"));
  d.version = *version;
  d.deactivated = *deactivated == 1;
  d.created_ms = *created;
  d.updated_ms = *updated;
  d.keys = std::move(*keys);
  d.recovery_commitment = *rc;
  d.last_tx = *last;
  return d;
}

}  // namespace pv
