// Canonical encodings of the record-erase (37), legal-hold (38) and erasure-receipt (39)
// payloads. Layout: docs/encoding.md, "Erasure".

#include "codec/binary.hpp"
#include "ledger/erasure/erasure_payloads.hpp"

namespace pv {
namespace {

constexpr std::string_view kEraseMagic = "PVER";
constexpr std::string_view kHoldMagic = "PVLH";
constexpr std::string_view kReceiptMagic = "PVEX";
constexpr std::string_view kPseudonymsOnlyMagic = "PVPO";

void write_header(BinaryWriter& w, std::string_view magic) {
  w.raw(as_bytes(magic));
  w.u8(kErasurePayloadVersion);
}

Status read_header(BinaryReader& r, std::string_view magic, const char* what) {
  auto m = r.raw(magic.size(), what);
  if (!m) return m.error();
  if (std::string_view(reinterpret_cast<const char*>(m->data()), m->size()) != magic)
    return make_error(Errc::malformed,
                      std::string(what) + ": wrong magic (not " + std::string(magic) + ")");
  auto v = r.u8("payload version");
  if (!v) return v.error();
  if (*v != kErasurePayloadVersion)
    return make_error(Errc::malformed,
                      std::string(what) + ": unsupported version " + std::to_string(*v));
  return Status::ok();
}

// A closed enumeration stored as one byte, 1..max.
Result<std::uint8_t> read_code(BinaryReader& r, std::uint8_t max, const char* what) {
  auto v = r.u8(what);
  if (!v) return v.error();
  if (*v == 0 || *v > max)
    return make_error(Errc::malformed,
                      std::string(what) + " " + std::to_string(*v) + " is unknown");
  return *v;
}

Result<std::string> read_credential(BinaryReader& r) {
  return r.text(kMaxOfficerCredentialBytes, "officer credential");
}

template <class E, std::uint8_t Max>
Result<E> parse_code(std::string_view code, std::string_view (*name)(E), const char* what) {
  std::string known;
  for (std::uint8_t i = 1; i <= Max; ++i) {
    auto e = static_cast<E>(i);
    if (name(e) == code) return e;
    known += (i > 1 ? ", " : "") + std::string(name(e));
  }
  return make_error(Errc::invalid_argument, std::string(what) + " is one of " + known);
}

}  // namespace

std::string_view erasure_reason_code(ErasureReason r) {
  switch (r) {
    case ErasureReason::patient_request:
      return "patient-request";
    case ErasureReason::consent_withdrawn:
      return "consent-withdrawn";
    case ErasureReason::unlawful_processing:
      return "unlawful-processing";
    case ErasureReason::legal_obligation:
      return "legal-obligation";
    case ErasureReason::officer_other:
      return "officer-other";
  }
  return "unknown";
}

Result<ErasureReason> parse_erasure_reason(std::string_view code) {
  return parse_code<ErasureReason, kMaxErasureReason>(code, erasure_reason_code,
                                                      "an erasure reason");
}

std::string_view hold_reason_code(HoldReason r) {
  switch (r) {
    case HoldReason::litigation:
      return "litigation";
    case HoldReason::public_health:
      return "public-health";
    case HoldReason::legal_claims:
      return "legal-claims";
    case HoldReason::archiving_public_interest:
      return "archiving-public-interest";
  }
  return "unknown";
}

Result<HoldReason> parse_hold_reason(std::string_view code) {
  return parse_code<HoldReason, kMaxHoldReason>(code, hold_reason_code, "a legal-hold reason");
}

Bytes encode_record_erase(const RecordErase& e) {
  BinaryWriter w;
  write_header(w, kEraseMagic);
  w.fixed(e.record);
  w.u8(static_cast<std::uint8_t>(e.reason));
  w.var(e.credential);
  return w.take();
}

Result<RecordErase> decode_record_erase(ByteView payload) {
  BinaryReader r(payload);
  PV_TRY(read_header(r, kEraseMagic, "record erase"));
  RecordErase e;
  auto record = r.fixed<32>("record id");
  if (!record) return record.error();
  auto reason = read_code(r, kMaxErasureReason, "erasure reason");
  if (!reason) return reason.error();
  auto credential = read_credential(r);
  if (!credential) return credential.error();
  PV_TRY(r.expect_end("record erase"));
  e.record = *record;
  e.reason = static_cast<ErasureReason>(*reason);
  e.credential = std::move(*credential);
  if (e.reason == ErasureReason::officer_other && e.credential.empty())
    return make_error(Errc::malformed, "reason officer-other needs an officer's credential");
  return e;
}

Bytes encode_legal_hold(const LegalHold& h) {
  BinaryWriter w;
  write_header(w, kHoldMagic);
  w.u8(static_cast<std::uint8_t>(h.action));
  w.fixed(h.record);
  w.u8(static_cast<std::uint8_t>(h.reason));
  w.var(h.credential);
  return w.take();
}

Result<LegalHold> decode_legal_hold(ByteView payload) {
  BinaryReader r(payload);
  PV_TRY(read_header(r, kHoldMagic, "legal hold"));
  LegalHold h;
  auto action = read_code(r, 2, "legal-hold action");
  if (!action) return action.error();
  auto record = r.fixed<32>("record id");
  if (!record) return record.error();
  auto reason = read_code(r, kMaxHoldReason, "legal-hold reason");
  if (!reason) return reason.error();
  auto credential = read_credential(r);
  if (!credential) return credential.error();
  PV_TRY(r.expect_end("legal hold"));
  if (credential->empty())
    return make_error(Errc::malformed, "a legal hold carries the legal officer's credential");
  h.action = static_cast<HoldAction>(*action);
  h.record = *record;
  h.reason = static_cast<HoldReason>(*reason);
  h.credential = std::move(*credential);
  return h;
}

Bytes encode_erasure_receipt(const ErasureReceipt& rc) {
  BinaryWriter w;
  write_header(w, kReceiptMagic);
  w.fixed(rc.record);
  w.fixed(rc.erase_tx);
  w.u64(rc.done_height);
  w.u32(rc.blocks_deleted);
  w.u32(rc.blocks_shared);
  w.u32(rc.key_slots_deleted);
  w.u8(rc.compacted ? 1 : 0);
  return w.take();
}

Result<ErasureReceipt> decode_erasure_receipt(ByteView payload) {
  BinaryReader r(payload);
  PV_TRY(read_header(r, kReceiptMagic, "erasure receipt"));
  ErasureReceipt rc;
  auto record = r.fixed<32>("record id");
  if (!record) return record.error();
  auto erase_tx = r.fixed<32>("erase transaction id");
  if (!erase_tx) return erase_tx.error();
  auto height = r.u64("done height");
  if (!height) return height.error();
  auto deleted = r.u32("blocks deleted");
  if (!deleted) return deleted.error();
  auto shared = r.u32("blocks shared");
  if (!shared) return shared.error();
  auto slots = r.u32("key slots deleted");
  if (!slots) return slots.error();
  auto compacted = r.u8("compacted");
  if (!compacted) return compacted.error();
  if (*compacted > 1) return make_error(Errc::malformed, "compacted is 0 or 1");
  PV_TRY(r.expect_end("erasure receipt"));
  rc.record = *record;
  rc.erase_tx = *erase_tx;
  rc.done_height = *height;
  rc.blocks_deleted = *deleted;
  rc.blocks_shared = *shared;
  rc.key_slots_deleted = *slots;
  rc.compacted = *compacted == 1;
  return rc;
}

std::string_view pseudonyms_only_setting_code(PseudonymsOnlySetting s) {
  switch (s) {
    case PseudonymsOnlySetting::require:
      return "require";
    case PseudonymsOnlySetting::off:
      return "off";
  }
  return "unknown";
}

Bytes encode_pseudonyms_only(const PseudonymsOnly& p) {
  BinaryWriter w;
  write_header(w, kPseudonymsOnlyMagic);
  w.u8(static_cast<std::uint8_t>(p.setting));
  return w.take();
}

Result<PseudonymsOnly> decode_pseudonyms_only(ByteView payload) {
  BinaryReader r(payload);
  PV_TRY(read_header(r, kPseudonymsOnlyMagic, "pseudonyms-only"));
  auto setting = read_code(r, kMaxPseudonymsOnlySetting, "pseudonyms-only setting");
  if (!setting) return setting.error();
  PV_TRY(r.expect_end("pseudonyms-only"));
  return PseudonymsOnly{static_cast<PseudonymsOnlySetting>(*setting)};
}

}  // namespace pv
