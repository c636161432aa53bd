#include "ledger/erasure/erasure_state.hpp"

#include "codec/binary.hpp"

namespace pv {
namespace {

constexpr std::size_t kMaxHolds = 64;  // one per member organization at most

template <class T>
Result<std::optional<T>> load(const StateView& state, const std::string& key,
                              Result<T> (*decode)(ByteView), const char* what) {
  auto bytes = state.get(key);
  if (!bytes) return std::optional<T>{};
  auto value = decode(*bytes);
  if (!value)
    return make_error(Errc::corruption,
                      std::string("stored ") + what + " does not decode: " + value.error().message);
  return std::optional<T>{std::move(*value)};
}

Result<std::uint8_t> read_enum(BinaryReader& r, std::uint8_t max, const char* what) {
  auto v = r.u8(what);
  if (!v) return v.error();
  if (*v == 0 || *v > max) return make_error(Errc::malformed, std::string(what) + " is unknown");
  return *v;
}

}  // namespace

std::string_view erased_by_name(ErasedBy b) {
  return b == ErasedBy::officer ? "data-protection-officer" : "holder";
}

std::string erasure_tombstone_key(const RecordId& record) {
  return "erased/" + record.hex();
}
std::string pseudonyms_only_key(const std::string& patient) {
  return "pseudonyms-only/" + patient;
}
std::string legal_holds_key(const RecordId& record) {
  return "hold/" + record.hex();
}
std::string erasure_receipt_key(const RecordId& record, const PublicKey& node_key) {
  return "erasure-receipt/" + record.hex() + "/" + to_hex(node_key.view());
}
std::string erased_records_list() {
  return "ix/erased/all";
}
std::string erased_cid_key(ByteView binary_cid) {
  return "erased-cid/" + to_hex(binary_cid);
}

Bytes encode_erasure_tombstone(const ErasureTombstone& t) {
  BinaryWriter w;
  w.fixed(t.erase_tx);
  w.u64(t.height);
  w.u64(t.time_ms);
  w.u8(static_cast<std::uint8_t>(t.by));
  w.var(t.officer_organization);
  w.var(t.record_organization);
  w.u8(static_cast<std::uint8_t>(t.reason));
  w.var(ByteView(t.cid));
  w.u32(t.key_slots);
  w.u16(static_cast<std::uint16_t>(t.key_envelopes.size()));
  for (const auto& e : t.key_envelopes) w.var(ByteView(e));
  return w.take();
}

Result<ErasureTombstone> decode_erasure_tombstone(ByteView b) {
  BinaryReader r(b);
  ErasureTombstone t;
  auto tx = r.fixed<32>("erase transaction id");
  if (!tx) return tx.error();
  auto height = r.u64("height");
  if (!height) return height.error();
  auto time = r.u64("time");
  if (!time) return time.error();
  auto by = read_enum(r, 2, "erased by");
  if (!by) return by.error();
  auto officer_org = r.text(kMaxSignerBytes, "officer organization");
  if (!officer_org) return officer_org.error();
  auto record_org = r.text(kMaxSignerBytes, "record organization");
  if (!record_org) return record_org.error();
  auto reason = read_enum(r, kMaxErasureReason, "erasure reason");
  if (!reason) return reason.error();
  auto cid = r.var(kMaxCidBytes, "cid");
  if (!cid) return cid.error();
  auto slots = r.u32("key slots");
  if (!slots) return slots.error();
  auto envelopes = r.u16("key envelope count");
  if (!envelopes) return envelopes.error();
  for (std::uint16_t i = 0; i < *envelopes; ++i) {
    auto e = r.var(kMaxCidBytes, "key envelope");
    if (!e) return e.error();
    t.key_envelopes.emplace_back(e->begin(), e->end());
  }
  PV_TRY(r.expect_end("erasure tombstone"));
  t.key_slots = *slots;
  t.erase_tx = *tx;
  t.height = *height;
  t.time_ms = *time;
  t.by = static_cast<ErasedBy>(*by);
  t.officer_organization = std::move(*officer_org);
  t.record_organization = std::move(*record_org);
  t.reason = static_cast<ErasureReason>(*reason);
  t.cid.assign(cid->begin(), cid->end());
  return t;
}

Bytes encode_legal_holds(const std::vector<LegalHoldState>& holds) {
  BinaryWriter w;
  w.u8(static_cast<std::uint8_t>(holds.size()));
  for (const auto& h : holds) {
    w.var(h.organization);
    w.var(h.officer);
    w.u8(static_cast<std::uint8_t>(h.reason));
    w.u64(h.height);
    w.u64(h.time_ms);
  }
  return w.take();
}

Result<std::vector<LegalHoldState>> decode_legal_holds(ByteView b) {
  BinaryReader r(b);
  auto n = r.u8("hold count");
  if (!n) return n.error();
  if (*n > kMaxHolds) return make_error(Errc::malformed, "too many legal holds");
  std::vector<LegalHoldState> out;
  for (std::uint8_t i = 0; i < *n; ++i) {
    LegalHoldState h;
    auto org = r.text(kMaxSignerBytes, "hold organization");
    if (!org) return org.error();
    auto officer = r.text(kMaxSignerBytes, "hold officer");
    if (!officer) return officer.error();
    auto reason = read_enum(r, kMaxHoldReason, "hold reason");
    if (!reason) return reason.error();
    auto height = r.u64("hold height");
    if (!height) return height.error();
    auto time = r.u64("hold time");
    if (!time) return time.error();
    if (!out.empty() && out.back().organization >= *org)
      return make_error(Errc::malformed, "legal holds are ascending by organization");
    h.organization = std::move(*org);
    h.officer = std::move(*officer);
    h.reason = static_cast<HoldReason>(*reason);
    h.height = *height;
    h.time_ms = *time;
    out.push_back(std::move(h));
  }
  PV_TRY(r.expect_end("legal holds"));
  return out;
}

Bytes encode_erasure_receipt_state(const ErasureReceiptState& s) {
  BinaryWriter w;
  w.var(encode_erasure_receipt(s.receipt));
  w.var(s.node_key);
  w.fixed(s.tx);
  w.u64(s.height);
  w.u64(s.time_ms);
  return w.take();
}

Result<ErasureReceiptState> decode_erasure_receipt_state(ByteView b) {
  BinaryReader r(b);
  ErasureReceiptState s;
  auto payload = r.var(kMaxPayloadBytes, "erasure receipt");
  if (!payload) return payload.error();
  auto receipt = decode_erasure_receipt(*payload);
  if (!receipt) return receipt.error();
  auto key = r.text(kMaxSignerBytes, "node key");
  if (!key) return key.error();
  auto tx = r.fixed<32>("receipt transaction id");
  if (!tx) return tx.error();
  auto height = r.u64("height");
  if (!height) return height.error();
  auto time = r.u64("time");
  if (!time) return time.error();
  PV_TRY(r.expect_end("erasure receipt state"));
  s.receipt = *receipt;
  s.node_key = std::move(*key);
  s.tx = *tx;
  s.height = *height;
  s.time_ms = *time;
  return s;
}

Bytes encode_pseudonyms_only_state(const PseudonymsOnlyState& s) {
  BinaryWriter w;
  w.u64(s.height);
  w.u64(s.time_ms);
  return w.take();
}

Result<PseudonymsOnlyState> decode_pseudonyms_only_state(ByteView b) {
  BinaryReader r(b);
  auto height = r.u64("height");
  if (!height) return height.error();
  auto time = r.u64("time");
  if (!time) return time.error();
  PV_TRY(r.expect_end("pseudonyms-only state"));
  return PseudonymsOnlyState{*height, *time};
}

Result<std::optional<PseudonymsOnlyState>> load_pseudonyms_only(const StateView& state,
                                                                const std::string& patient) {
  return load<PseudonymsOnlyState>(state, pseudonyms_only_key(patient),
                                   decode_pseudonyms_only_state, "pseudonyms-only rule");
}

Result<std::optional<ErasureTombstone>> load_erasure_tombstone(const StateView& state,
                                                               const RecordId& record) {
  return load<ErasureTombstone>(state, erasure_tombstone_key(record), decode_erasure_tombstone,
                                "erasure tombstone");
}

Result<std::vector<LegalHoldState>> load_legal_holds(const StateView& state,
                                                     const RecordId& record) {
  auto holds = load<std::vector<LegalHoldState>>(state, legal_holds_key(record), decode_legal_holds,
                                                 "legal holds");
  if (!holds) return holds.error();
  return *holds ? std::move(**holds) : std::vector<LegalHoldState>{};
}

Result<std::optional<ErasureReceiptState>> load_erasure_receipt(const StateView& state,
                                                                const RecordId& record,
                                                                const PublicKey& node_key) {
  return load<ErasureReceiptState>(state, erasure_receipt_key(record, node_key),
                                   decode_erasure_receipt_state, "erasure receipt");
}

std::string legal_hold_verdict(const LegalHoldState& h) {
  return "record under legal hold by " + h.organization + " since height " +
         std::to_string(h.height) + " (" + std::string(hold_reason_code(h.reason)) + ")";
}

}  // namespace pv
