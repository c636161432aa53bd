// Canonical encoding of the record-anchor payload (type 30) and the helpers the consent codecs
// share. Layout: docs/encoding.md, "Records, consent and access".

#include "codec/binary.hpp"
#include "ledger/consent_codec_util.hpp"
#include "ledger/consent_payloads.hpp"

namespace pv {

void write_wrapped_key(BinaryWriter& w, const WrappedKey& k) {
  w.fixed(k.recipient);
  w.fixed(k.sealed);
}

Result<WrappedKey> read_wrapped_key(BinaryReader& r, const char* what) {
  auto recipient = r.fixed<32>(what);
  if (!recipient) return recipient.error();
  auto sealed = r.fixed<kSealedKeySize>(what);
  if (!sealed) return sealed.error();
  return WrappedKey{*recipient, *sealed};
}

Bytes encode_wrapped(const WrappedKey& k) {
  BinaryWriter w;
  write_wrapped_key(w, k);
  return w.take();
}

Result<WrappedKey> decode_wrapped(ByteView b) {
  BinaryReader r(b);
  auto k = read_wrapped_key(r, "wrapped key");
  if (!k) return k.error();
  PV_TRY(r.expect_end("wrapped key"));
  return k;
}

Status read_payload_version(BinaryReader& r) {
  auto v = r.u8("payload version");
  if (!v) return v.error();
  if (*v != kConsentPayloadVersion)
    return make_error(Errc::malformed, "unsupported payload version " + std::to_string(*v));
  return Status::ok();
}

Result<std::string> read_checked(BinaryReader& r, std::size_t max, const char* what,
                                 Status (*check)(std::string_view)) {
  auto text = r.text(max, what);
  if (!text) return text.error();
  if (auto s = check(*text); !s)
    return make_error(s.error().code, std::string(what) + ": " + s.error().message);
  return text;
}

Status check_media_type(std::string_view m) {
  // type "/" subtype, restricted-name characters of RFC 6838 section 4.2, lower case.
  auto slash = m.find('/');
  if (m.empty() || m.size() > kMaxMediaTypeBytes || slash == std::string_view::npos || slash == 0 ||
      slash + 1 == m.size())
    return make_error(Errc::malformed, "a media type is type/subtype, at most 127 bytes");
  for (std::size_t i = 0; i < m.size(); ++i) {
    char c = m[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i == slash) ||
              std::string_view("!#$&-^_.+").find(c) != std::string_view::npos;
    if (!ok) return make_error(Errc::malformed, "a media type is lower-case RFC 6838 characters");
  }
  return Status::ok();
}

namespace {

inline constexpr std::uint8_t kAnchorVersionEnveloped = 2;

}  // namespace

void write_record_keys(BinaryWriter& w, const RecordAnchor& a) {
  write_wrapped_key(w, a.for_patient);
  write_wrapped_key(w, a.for_author);
  w.u8(a.for_category ? 1 : 0);
  if (a.for_category) {
    w.u32(a.for_category->epoch);
    w.fixed(a.for_category->category_key);
    w.fixed(a.for_category->sealed);
  }
  w.u8(a.emergency ? 1 : 0);
  if (a.emergency) {
    w.u32(a.emergency->epoch);
    w.u8(static_cast<std::uint8_t>(a.emergency->shares.size()));
    for (const auto& s : a.emergency->shares) write_wrapped_key(w, s);
  }
}

Status read_record_keys(BinaryReader& r, RecordAnchor& a) {
  auto for_patient = read_wrapped_key(r, "patient's wrapped key");
  if (!for_patient) return for_patient.error();
  auto for_author = read_wrapped_key(r, "author's wrapped key");
  if (!for_author) return for_author.error();
  auto has_category = r.u8("category wrap flag");
  if (!has_category) return has_category.error();
  if (*has_category > 1) return make_error(Errc::malformed, "category wrap flag is 0 or 1");
  std::optional<CategoryWrap> category;
  if (*has_category == 1) {
    CategoryWrap cw;
    auto epoch = r.u32("category epoch");
    if (!epoch) return epoch.error();
    if (*epoch == 0) return make_error(Errc::malformed, "category epochs start at 1");
    auto key = r.fixed<32>("category key");
    if (!key) return key.error();
    auto sealed = r.fixed<kSealedKeySize>("category wrapped key");
    if (!sealed) return sealed.error();
    cw.epoch = *epoch;
    cw.category_key = *key;
    cw.sealed = *sealed;
    category = cw;
  }
  auto has_emergency = r.u8("emergency shares flag");
  if (!has_emergency) return has_emergency.error();
  if (*has_emergency > 1) return make_error(Errc::malformed, "emergency shares flag is 0 or 1");
  std::optional<EmergencyShares> emergency;
  if (*has_emergency == 1) {
    EmergencyShares es;
    auto epoch = r.u32("emergency policy epoch");
    if (!epoch) return epoch.error();
    if (*epoch == 0) return make_error(Errc::malformed, "emergency policy epochs start at 1");
    auto n = r.u8("emergency share count");
    if (!n) return n.error();
    if (*n < kMinCustodians || *n > kMaxCustodians)
      return make_error(Errc::malformed, "a record carries 2 to 16 emergency shares");
    es.epoch = *epoch;
    for (std::uint8_t i = 0; i < *n; ++i) {
      auto share = read_wrapped_key(r, "emergency share");
      if (!share) return share.error();
      es.shares.push_back(*share);
    }
    emergency = std::move(es);
  }
  a.for_patient = *for_patient;
  a.for_author = *for_author;
  a.for_category = std::move(category);
  a.emergency = std::move(emergency);
  return Status::ok();
}

Bytes encode_record_anchor(const RecordAnchor& a) {
  const bool enveloped = !a.key_envelope.empty();
  BinaryWriter w;
  w.u8(enveloped ? kAnchorVersionEnveloped : kConsentPayloadVersion);
  w.var(a.patient);
  w.var(a.organization);
  w.var(ByteView(a.cid));
  w.fixed(a.commitment);
  w.var(a.category);
  w.var(a.media_type);
  w.u64(a.size);
  if (enveloped) {
    w.var(ByteView(a.key_envelope));
    w.u32(a.sealed_category_epoch);
    w.u32(a.sealed_emergency_epoch);
    w.u8(a.sealed_emergency_shares);
  } else {
    write_record_keys(w, a);
  }
  return w.take();
}

Result<RecordAnchor> decode_record_anchor(ByteView b) {
  BinaryReader r(b);
  auto version = r.u8("payload version");
  if (!version) return version.error();
  if (*version != kConsentPayloadVersion && *version != kAnchorVersionEnveloped)
    return make_error(Errc::malformed, "unsupported record anchor version " +
                                           std::to_string(*version) + " (1 or 2)");
  RecordAnchor a;
  auto patient = read_checked(r, kMaxPersonDidBytes, "patient", check_person_did);
  if (!patient) return patient.error();
  auto org = read_checked(r, kMaxOrgDidBytes, "organization", check_org_did);
  if (!org) return org.error();
  auto cid = r.var(kMaxCidBytes, "cid");
  if (!cid) return cid.error();
  if (cid->empty()) return make_error(Errc::malformed, "cid is empty");
  auto commitment = r.fixed<32>("commitment");
  if (!commitment) return commitment.error();
  auto category = read_checked(r, kMaxCategoryBytes, "category", check_category);
  if (!category) return category.error();
  auto media = read_checked(r, kMaxMediaTypeBytes, "media type", check_media_type);
  if (!media) return media.error();
  auto size = r.u64("size");
  if (!size) return size.error();
  if (*version == kAnchorVersionEnveloped) {
    auto envelope = r.var(kMaxCidBytes, "key envelope");
    if (!envelope) return envelope.error();
    if (envelope->empty()) return make_error(Errc::malformed, "the key envelope's cid is empty");
    auto category_epoch = r.u32("sealed category epoch");
    if (!category_epoch) return category_epoch.error();
    auto emergency_epoch = r.u32("sealed emergency epoch");
    if (!emergency_epoch) return emergency_epoch.error();
    auto shares = r.u8("sealed emergency share count");
    if (!shares) return shares.error();
    if ((*emergency_epoch == 0) != (*shares == 0))
      return make_error(Errc::malformed,
                        "an anchor declares emergency shares with their epoch, or neither");
    if (*shares != 0 && (*shares < kMinCustodians || *shares > kMaxCustodians))
      return make_error(Errc::malformed, "a record carries 2 to 16 emergency shares");
    a.key_envelope.assign(envelope->begin(), envelope->end());
    a.sealed_category_epoch = *category_epoch;
    a.sealed_emergency_epoch = *emergency_epoch;
    a.sealed_emergency_shares = *shares;
  } else {
    PV_TRY(read_record_keys(r, a));
  }
  PV_TRY(r.expect_end("record anchor"));
  a.patient = std::move(*patient);
  a.organization = std::move(*org);
  a.cid.assign(cid->begin(), cid->end());
  a.commitment = *commitment;
  a.category = std::move(*category);
  a.media_type = std::move(*media);
  a.size = *size;
  return a;
}

}  // namespace pv
