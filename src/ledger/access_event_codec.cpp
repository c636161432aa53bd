// Canonical encoding of the access-event payload (type 33). Layout: docs/encoding.md.

#include "codec/binary.hpp"
#include "ledger/consent_codec_util.hpp"
#include "ledger/consent_payloads.hpp"

namespace pv {

std::string_view access_basis_name(AccessBasis b) {
  switch (b) {
    case AccessBasis::none:
      return "none";
    case AccessBasis::patient:
      return "patient";
    case AccessBasis::author:
      return "author";
    case AccessBasis::consent:
      return "consent";
    case AccessBasis::emergency:
      return "emergency";
  }
  return "unknown";
}

Bytes encode_access_event(const AccessEvent& e) {
  BinaryWriter w;
  w.u8(kConsentPayloadVersion);
  w.var(e.reader);
  w.var(e.reader_organization);
  w.fixed(e.record);
  w.u8(static_cast<std::uint8_t>(e.action));
  w.var(e.purpose);
  w.u64(e.decided_height);
  w.u8(static_cast<std::uint8_t>(e.outcome));
  w.u8(static_cast<std::uint8_t>(e.basis));
  if (e.basis == AccessBasis::consent) w.fixed(e.consent);
  if (e.basis == AccessBasis::emergency) w.fixed(e.credential);
  w.var(e.reason);
  w.fixed(e.contract_code);
  return w.take();
}

Result<AccessEvent> decode_access_event(ByteView b) {
  BinaryReader r(b);
  PV_TRY(read_payload_version(r));
  AccessEvent e;
  auto reader = read_checked(r, kMaxPersonDidBytes, "reader", check_person_did);
  if (!reader) return reader.error();
  e.reader = std::move(*reader);
  auto org = r.text(kMaxOrgDidBytes, "reader organization");
  if (!org) return org.error();
  if (!org->empty()) PV_TRY(check_org_did(*org));
  e.reader_organization = std::move(*org);
  auto record = r.fixed<32>("record id");
  if (!record) return record.error();
  e.record = *record;
  auto action = r.u8("action");
  if (!action) return action.error();
  if (*action == 0 || (*action & (*action - 1)) != 0 || (*action & ~kAllConsentActions) != 0)
    return make_error(Errc::malformed, "an access event names exactly one action");
  e.action = static_cast<ConsentAction>(*action);
  auto purpose = r.text(16, "purpose");
  if (!purpose) return purpose.error();
  if (!is_known_purpose(*purpose))
    return make_error(Errc::malformed, "unknown purpose of use \"" + *purpose + "\"");
  e.purpose = std::move(*purpose);
  auto height = r.u64("decided height");
  if (!height) return height.error();
  e.decided_height = *height;
  auto outcome = r.u8("outcome");
  if (!outcome) return outcome.error();
  if (*outcome < 1 || *outcome > 2)
    return make_error(Errc::malformed, "outcome is 1 (permitted) or 2 (refused)");
  e.outcome = static_cast<AccessOutcome>(*outcome);
  auto basis = r.u8("basis");
  if (!basis) return basis.error();
  if (*basis > 4) return make_error(Errc::malformed, "unknown access basis");
  e.basis = static_cast<AccessBasis>(*basis);
  if (e.basis == AccessBasis::consent) {
    auto id = r.fixed<32>("consent id");
    if (!id) return id.error();
    e.consent = *id;
  }
  if (e.basis == AccessBasis::emergency) {
    auto cred = r.fixed<32>("credential hash");
    if (!cred) return cred.error();
    e.credential = *cred;
  }
  auto reason = r.text(kMaxAccessReasonBytes, "reason");
  if (!reason) return reason.error();
  e.reason = std::move(*reason);
  // A permit says on what basis and needs no reason; a refusal has no basis and says why.
  if (e.outcome == AccessOutcome::permitted && (e.basis == AccessBasis::none || !e.reason.empty()))
    return make_error(Errc::malformed, "a permitted access names its basis and no reason");
  if (e.outcome == AccessOutcome::refused && (e.basis != AccessBasis::none || e.reason.empty()))
    return make_error(Errc::malformed, "a refused access has no basis and gives a reason");
  if (e.basis == AccessBasis::emergency && e.purpose != kEmergencyPurpose)
    return make_error(Errc::malformed, "emergency access is for purpose ETREAT only");
  for (unsigned char c : e.reason)
    if (c < 0x20 || c == 0x7f)
      return make_error(Errc::malformed, "reason holds a control character");
  auto code = r.fixed<32>("contract code hash");
  if (!code) return code.error();
  e.contract_code = *code;
  PV_TRY(r.expect_end("access event"));
  return e;
}

}  // namespace pv
