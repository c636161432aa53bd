#include "ledger/attestation_state.hpp"

#include "codec/binary.hpp"
#include "ledger/consent_state.hpp"

namespace pv {

std::string attestation_state_key(const AttestationId& id) {
  return "attestation/" + id.hex();
}

std::string attestations_of_patient_list(const std::string& patient) {
  return index_key("attestation-by-patient", {patient});
}

// var issue payload ‖ var issuer ‖ u64 height ‖ u64 time ‖ u8 revoked
// [‖ u64 revoked height ‖ u64 revoked time ‖ var revoked by ‖ u8 reason]
// [‖ var attested by, when the issue carries a credential]
Bytes encode_attestation_state(const AttestationState& s) {
  BinaryWriter w;
  w.var(ByteView(encode_attestation_issue(s.issue)));
  w.var(s.issuer);
  w.u64(s.height);
  w.u64(s.time_ms);
  w.u8(s.revoked ? 1 : 0);
  if (s.revoked) {
    w.u64(s.revoked_height);
    w.u64(s.revoked_time_ms);
    w.var(s.revoked_by);
    w.u8(static_cast<std::uint8_t>(s.revoke_reason));
  }
  if (!s.issue.credential.empty()) w.var(s.attested_by);
  return w.take();
}

Result<AttestationState> decode_attestation_state(ByteView b) {
  BinaryReader r(b);
  AttestationState s;
  auto payload = r.var(kMaxPayloadBytes, "attestation");
  if (!payload) return payload.error();
  auto issue = decode_attestation_issue(*payload);
  if (!issue) return issue.error();
  s.issue = std::move(*issue);
  auto issuer = r.text(kMaxSignerBytes, "issuer");
  if (!issuer) return issuer.error();
  s.issuer = std::move(*issuer);
  auto height = r.u64("height");
  if (!height) return height.error();
  auto time = r.u64("time");
  if (!time) return time.error();
  s.height = *height;
  s.time_ms = *time;
  auto revoked = r.u8("revoked");
  if (!revoked) return revoked.error();
  if (*revoked > 1) return make_error(Errc::malformed, "revoked is 0 or 1");
  if (*revoked == 1) {
    s.revoked = true;
    auto rh = r.u64("revoked height");
    if (!rh) return rh.error();
    auto rt = r.u64("revoked time");
    if (!rt) return rt.error();
    auto by = r.text(kMaxSignerBytes, "revoked by");
    if (!by) return by.error();
    auto reason = r.u8("reason");
    if (!reason) return reason.error();
    if (*reason > kMaxAttestationRevokeReason)
      return make_error(Errc::malformed, "unknown revocation reason");
    s.revoked_height = *rh;
    s.revoked_time_ms = *rt;
    s.revoked_by = std::move(*by);
    s.revoke_reason = static_cast<AttestationRevokeReason>(*reason);
  }
  if (!s.issue.credential.empty()) {
    auto by = r.text(kMaxSignerBytes, "attested by");
    if (!by) return by.error();
    s.attested_by = std::move(*by);
  }
  PV_TRY(r.expect_end("attestation state"));
  return s;
}

Result<std::optional<AttestationState>> load_attestation(const StateView& state,
                                                         const AttestationId& id) {
  auto raw = state.get(attestation_state_key(id));
  if (!raw) return std::optional<AttestationState>{};
  auto s = decode_attestation_state(*raw);
  if (!s) return make_error(Errc::corruption, "attestation " + id.hex() + ": " + s.error().message);
  return std::optional<AttestationState>(std::move(*s));
}

}  // namespace pv
