// Canonical encodings of the consent-grant (31), consent-revoke (32) and category-key (34)
// payloads. Layout: docs/encoding.md, "Records, consent and access".

#include "codec/binary.hpp"
#include "ledger/consent_codec_util.hpp"
#include "ledger/consent_payloads.hpp"

namespace pv {
namespace {

Status check_purpose(std::string_view p) {
  if (!is_known_purpose(p))
    return make_error(Errc::malformed, "unknown purpose of use \"" + std::string(p) + "\"");
  return Status::ok();
}

// Version 2 grants name a key envelope per record instead of carrying the wrapped key
// (ledger/record_key_envelope.hpp).
inline constexpr std::uint8_t kGrantVersionEnveloped = 2;

bool enveloped(const ConsentGrant& g) {
  return !g.record_keys.empty() && !g.record_keys.front().key_envelope.empty();
}

}  // namespace

Bytes encode_consent_grant(const ConsentGrant& g) {
  const bool v2 = enveloped(g);
  BinaryWriter w;
  w.u8(v2 ? kGrantVersionEnveloped : kConsentPayloadVersion);
  w.u8(static_cast<std::uint8_t>(g.grantee_kind));
  w.var(g.grantee);
  w.u8(static_cast<std::uint8_t>(g.scope));
  if (g.scope == ScopeKind::records) {
    w.u16(static_cast<std::uint16_t>(g.records.size()));
    for (const auto& id : g.records) w.fixed(id);
  } else {
    w.var(g.category);
  }
  w.u8(g.actions);
  w.u8(static_cast<std::uint8_t>(g.purposes.size()));
  for (const auto& p : g.purposes) w.var(p);
  w.u64(g.not_before_ms);
  w.u64(g.not_after_ms);
  w.u16(static_cast<std::uint16_t>(g.record_keys.size()));
  for (const auto& k : g.record_keys) {
    w.fixed(k.record);
    if (v2)
      w.var(ByteView(k.key_envelope));
    else
      write_wrapped_key(w, k.key);
  }
  if (g.scope == ScopeKind::category) {
    w.u32(g.category_epoch);
    write_wrapped_key(w, g.category_secret.value_or(WrappedKey{}));
  }
  return w.take();
}

Result<ConsentGrant> decode_consent_grant(ByteView b) {
  BinaryReader r(b);
  auto version = r.u8("payload version");
  if (!version) return version.error();
  if (*version != kConsentPayloadVersion && *version != kGrantVersionEnveloped)
    return make_error(Errc::malformed, "unsupported consent grant version " +
                                           std::to_string(*version) + " (1 or 2)");
  ConsentGrant g;
  auto kind = r.u8("grantee kind");
  if (!kind) return kind.error();
  if (*kind < 1 || *kind > 2)
    return make_error(Errc::malformed, "grantee kind is 1 (person) or 2 (organization)");
  g.grantee_kind = static_cast<GranteeKind>(*kind);
  auto grantee = g.grantee_kind == GranteeKind::person
                     ? read_checked(r, kMaxPersonDidBytes, "grantee", check_person_did)
                     : read_checked(r, kMaxOrgDidBytes, "grantee", check_org_did);
  if (!grantee) return grantee.error();
  g.grantee = std::move(*grantee);
  auto scope = r.u8("scope kind");
  if (!scope) return scope.error();
  if (*scope < 1 || *scope > 2)
    return make_error(Errc::malformed, "scope kind is 1 (records) or 2 (category)");
  g.scope = static_cast<ScopeKind>(*scope);
  if (g.scope == ScopeKind::records) {
    auto n = r.u16("record count");
    if (!n) return n.error();
    if (*n == 0 || *n > kMaxConsentRecords)
      return make_error(Errc::malformed, "a consent names 1 to 64 records");
    for (std::uint16_t i = 0; i < *n; ++i) {
      auto id = r.fixed<32>("record id");
      if (!id) return id.error();
      if (!g.records.empty() && !(g.records.back() < *id))
        return make_error(Errc::non_canonical,
                          "record ids are listed once each, in ascending order");
      g.records.push_back(*id);
    }
  } else {
    auto category = read_checked(r, kMaxCategoryBytes, "category", check_category);
    if (!category) return category.error();
    g.category = std::move(*category);
  }
  auto actions = r.u8("actions");
  if (!actions) return actions.error();
  if (*actions == 0 || (*actions & ~kAllConsentActions) != 0)
    return make_error(Errc::malformed, "actions are a non-empty set of the five consent actions");
  g.actions = *actions;
  auto np = r.u8("purpose count");
  if (!np) return np.error();
  if (*np == 0 || *np > kMaxConsentPurposes)
    return make_error(Errc::malformed, "a consent names 1 to 16 purposes");
  for (std::uint8_t i = 0; i < *np; ++i) {
    auto p = read_checked(r, 16, "purpose", check_purpose);
    if (!p) return p.error();
    if (!g.purposes.empty() && !(g.purposes.back() < *p))
      return make_error(Errc::non_canonical, "purposes are listed once each, in ascending order");
    g.purposes.push_back(std::move(*p));
  }
  auto nb = r.u64("not before");
  if (!nb) return nb.error();
  auto na = r.u64("not after");
  if (!na) return na.error();
  if (*nb >= *na) return make_error(Errc::malformed, "the validity window ends after it starts");
  g.not_before_ms = *nb;
  g.not_after_ms = *na;
  auto nk = r.u16("record key count");
  if (!nk) return nk.error();
  if (*nk > kMaxConsentRecords) return make_error(Errc::malformed, "at most 64 record keys");
  for (std::uint16_t i = 0; i < *nk; ++i) {
    auto id = r.fixed<32>("record key id");
    if (!id) return id.error();
    RecordKeyGrant k{*id, {}, {}};
    if (*version == kGrantVersionEnveloped) {
      auto envelope = r.var(kMaxCidBytes, "record key envelope");
      if (!envelope) return envelope.error();
      if (envelope->empty()) return make_error(Errc::malformed, "a key envelope's cid is empty");
      k.key_envelope.assign(envelope->begin(), envelope->end());
    } else {
      auto key = read_wrapped_key(r, "record key");
      if (!key) return key.error();
      k.key = *key;
    }
    if (!g.record_keys.empty() && !(g.record_keys.back().record < *id))
      return make_error(Errc::non_canonical,
                        "record keys are listed once each, in ascending record order");
    g.record_keys.push_back(std::move(k));
  }
  if (*version == kGrantVersionEnveloped && g.record_keys.empty())
    return make_error(Errc::non_canonical, "a grant without record keys is version 1");
  if (g.scope == ScopeKind::records) {
    if (g.record_keys.size() != g.records.size())
      return make_error(Errc::malformed, "a records consent carries one wrapped key per record");
    for (std::size_t i = 0; i < g.records.size(); ++i)
      if (g.record_keys[i].record != g.records[i])
        return make_error(Errc::malformed,
                          "wrapped keys name the consent's records, in the same order");
  } else {
    auto epoch = r.u32("category epoch");
    if (!epoch) return epoch.error();
    if (*epoch == 0) return make_error(Errc::malformed, "category epochs start at 1");
    auto secret = read_wrapped_key(r, "category secret");
    if (!secret) return secret.error();
    g.category_epoch = *epoch;
    g.category_secret = *secret;
  }
  PV_TRY(r.expect_end("consent grant"));
  return g;
}

Bytes encode_consent_revoke(const ConsentRevoke& rv) {
  BinaryWriter w;
  w.u8(kConsentPayloadVersion);
  w.fixed(rv.consent);
  return w.take();
}

Result<ConsentRevoke> decode_consent_revoke(ByteView b) {
  BinaryReader r(b);
  PV_TRY(read_payload_version(r));
  auto id = r.fixed<32>("consent id");
  if (!id) return id.error();
  PV_TRY(r.expect_end("consent revoke"));
  return ConsentRevoke{*id};
}

Bytes encode_category_key_update(const CategoryKeyUpdate& u) {
  BinaryWriter w;
  w.u8(kConsentPayloadVersion);
  w.var(u.category);
  w.u32(u.epoch);
  w.fixed(u.public_key);
  w.u16(static_cast<std::uint16_t>(u.grants.size()));
  for (const auto& g : u.grants) {
    w.fixed(g.consent);
    write_wrapped_key(w, g.key);
  }
  return w.take();
}

Result<CategoryKeyUpdate> decode_category_key_update(ByteView b) {
  BinaryReader r(b);
  PV_TRY(read_payload_version(r));
  CategoryKeyUpdate u;
  auto category = read_checked(r, kMaxCategoryBytes, "category", check_category);
  if (!category) return category.error();
  u.category = std::move(*category);
  auto epoch = r.u32("category epoch");
  if (!epoch) return epoch.error();
  if (*epoch == 0) return make_error(Errc::malformed, "category epochs start at 1");
  u.epoch = *epoch;
  auto key = r.fixed<32>("category key");
  if (!key) return key.error();
  u.public_key = *key;
  auto n = r.u16("grant count");
  if (!n) return n.error();
  if (*n > kMaxCategoryWraps)
    return make_error(Errc::malformed, "at most 256 consents per category key");
  for (std::uint16_t i = 0; i < *n; ++i) {
    auto id = r.fixed<32>("consent id");
    if (!id) return id.error();
    auto wrapped = read_wrapped_key(r, "category secret");
    if (!wrapped) return wrapped.error();
    if (!u.grants.empty() && !(u.grants.back().consent < *id))
      return make_error(Errc::non_canonical, "consents are listed once each, in ascending order");
    u.grants.push_back({*id, *wrapped});
  }
  PV_TRY(r.expect_end("category key"));
  return u;
}

}  // namespace pv
