// Canonical encodings of emergency-policy (35) and emergency-release (36); docs/consent.md
// section 11.

#include "codec/binary.hpp"
#include "ledger/consent_codec_util.hpp"
#include "ledger/emergency_payloads.hpp"

namespace pv {

Bytes encode_emergency_policy(const EmergencyPolicy& p) {
  BinaryWriter w;
  w.u8(kConsentPayloadVersion);
  w.u32(p.epoch);
  w.u8(p.threshold);
  w.u8(static_cast<std::uint8_t>(p.custodians.size()));
  for (const auto& c : p.custodians) w.var(c);
  return w.take();
}

Result<EmergencyPolicy> decode_emergency_policy(ByteView b) {
  BinaryReader r(b);
  PV_TRY(read_payload_version(r));
  EmergencyPolicy p;
  auto epoch = r.u32("epoch");
  if (!epoch) return epoch.error();
  if (*epoch == 0) return make_error(Errc::malformed, "emergency policy epochs start at 1");
  auto threshold = r.u8("threshold");
  if (!threshold) return threshold.error();
  auto n = r.u8("custodian count");
  if (!n) return n.error();
  if (*n < kMinCustodians || *n > kMaxCustodians)
    return make_error(Errc::malformed, "an emergency policy names 2 to 16 custodians");
  if (*threshold < 2 || *threshold > *n)
    return make_error(Errc::malformed,
                      "the threshold is at least 2 and at most the number of custodians");
  for (std::uint8_t i = 0; i < *n; ++i) {
    auto c = read_checked(r, kMaxOrgDidBytes, "custodian", check_org_did);
    if (!c) return c.error();
    if (!p.custodians.empty() && !(p.custodians.back() < *c))
      return make_error(Errc::non_canonical, "custodians must be ascending and listed once");
    p.custodians.push_back(std::move(*c));
  }
  PV_TRY(r.expect_end("emergency policy"));
  p.epoch = *epoch;
  p.threshold = *threshold;
  return p;
}

// Version 2 names the sealed share's key envelope instead of carrying it.
inline constexpr std::uint8_t kReleaseVersionEnveloped = 2;

Bytes encode_emergency_release(const EmergencyRelease& e) {
  BinaryWriter w;
  const bool enveloped = !e.sealed_envelope.empty();
  w.u8(enveloped ? kReleaseVersionEnveloped : kConsentPayloadVersion);
  w.fixed(e.event);
  w.u8(e.share);
  w.u32(e.epoch);
  w.fixed(e.recipient);
  if (enveloped)
    w.var(ByteView(e.sealed_envelope));
  else
    w.fixed(e.sealed);
  return w.take();
}

Result<EmergencyRelease> decode_emergency_release(ByteView b) {
  BinaryReader r(b);
  auto version = r.u8("payload version");
  if (!version) return version.error();
  if (*version != kConsentPayloadVersion && *version != kReleaseVersionEnveloped)
    return make_error(Errc::malformed, "unsupported emergency release version " +
                                           std::to_string(*version) + " (1 or 2)");
  EmergencyRelease e;
  auto event = r.fixed<32>("event");
  if (!event) return event.error();
  auto share = r.u8("share number");
  if (!share) return share.error();
  if (*share < 1 || *share > kMaxCustodians)
    return make_error(Errc::malformed, "share numbers are 1 to 16");
  auto epoch = r.u32("epoch");
  if (!epoch) return epoch.error();
  if (*epoch == 0) return make_error(Errc::malformed, "emergency policy epochs start at 1");
  auto recipient = r.fixed<32>("recipient");
  if (!recipient) return recipient.error();
  if (*version == kReleaseVersionEnveloped) {
    auto envelope = r.var(kMaxCidBytes, "sealed share's key envelope");
    if (!envelope) return envelope.error();
    if (envelope->empty())
      return make_error(Errc::malformed, "a version-2 release names its key envelope");
    e.sealed_envelope.assign(envelope->begin(), envelope->end());
  } else {
    auto sealed = r.fixed<kSealedReleaseBytes>("sealed share");
    if (!sealed) return sealed.error();
    e.sealed = *sealed;
  }
  PV_TRY(r.expect_end("emergency release"));
  e.event = *event;
  e.share = *share;
  e.epoch = *epoch;
  e.recipient = *recipient;
  return e;
}

}  // namespace pv
