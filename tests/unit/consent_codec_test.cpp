// The record, consent and access payload codecs: round trips, every truncation and any trailing
// byte refused, and each non-canonical or out-of-range form refused with an error (never a
// crash). The same sample payloads are the fuzz target's seeds: with PV_WRITE_CONSENT_SEEDS=DIR
// set, the test writes them there (fuzz/corpus/consent_payload_fuzz); otherwise it checks that
// the committed seeds still decode.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "codec/did_key.hpp"
#include "ledger/consent_payloads.hpp"
#include "ledger/emergency_payloads.hpp"

namespace pv {
namespace {

// A fixed person, so that samples compare equal and the seeds stay the same.
std::string person() {
  Seed seed;
  seed.bytes.fill(0x42);
  return did_key_from_public_key(SigningKey::from_seed(seed).public_key());
}

WrappedKey wrapped(std::uint8_t fill) {
  WrappedKey k;
  k.recipient.bytes.fill(fill);
  k.sealed.bytes.fill(static_cast<std::uint8_t>(fill + 1));
  return k;
}

Hash32 id(std::uint8_t fill) {
  Hash32 h;
  h.bytes.fill(fill);
  return h;
}

RecordAnchor sample_anchor() {
  RecordAnchor a;
  a.patient = person();
  a.organization = "did:web:general-hospital.example";
  a.cid = {0x01, 0x55, 0x12, 0x20, 1, 2, 3};
  a.commitment = id(9);
  a.category = "Observation";
  a.media_type = "application/fhir+json";
  a.size = 1234;
  a.for_patient = wrapped(1);
  a.for_author = wrapped(2);
  a.for_category = CategoryWrap{3, id(4), {}};
  return a;
}

ConsentGrant sample_grant(ScopeKind scope) {
  ConsentGrant g;
  g.grantee = person();
  g.scope = scope;
  if (scope == ScopeKind::records) {
    g.records = {id(1), id(2)};
    g.record_keys = {{id(1), wrapped(5), {}}, {id(2), wrapped(6), {}}};
  } else {
    g.category = "ImagingStudy";
    g.category_epoch = 2;
    g.category_secret = wrapped(7);
  }
  g.actions = static_cast<std::uint8_t>(ConsentAction::access) |
              static_cast<std::uint8_t>(ConsentAction::use);
  g.purposes = {"HRESCH", "TREAT"};
  g.not_before_ms = 1000;
  g.not_after_ms = 2000;
  return g;
}

AccessEvent sample_event(AccessBasis basis) {
  AccessEvent e;
  e.reader = person();
  e.reader_organization = basis == AccessBasis::consent ? "did:web:hill-clinic.example" : "";
  e.record = id(3);
  e.purpose = basis == AccessBasis::emergency ? "ETREAT" : "TREAT";
  e.decided_height = 42;
  e.outcome = basis == AccessBasis::none ? AccessOutcome::refused : AccessOutcome::permitted;
  e.basis = basis;
  if (basis == AccessBasis::consent) e.consent = id(8);
  if (basis == AccessBasis::emergency) e.credential = id(9);
  if (basis == AccessBasis::none) e.reason = "no consent from the patient covers the reader";
  return e;
}

// Payload samples with the fuzz target's selector byte in front.
std::vector<Bytes> samples() {
  std::vector<Bytes> out;
  auto add = [&](std::uint8_t selector, Bytes payload) {
    payload.insert(payload.begin(), selector);
    out.push_back(std::move(payload));
  };
  RecordAnchor plain = sample_anchor();
  plain.for_category.reset();
  add(0, encode_record_anchor(sample_anchor()));
  add(0, encode_record_anchor(plain));
  add(1, encode_consent_grant(sample_grant(ScopeKind::records)));
  add(1, encode_consent_grant(sample_grant(ScopeKind::category)));
  add(2, encode_consent_revoke({id(5)}));
  add(3, encode_category_key_update(
             {"Observation", 1, id(6), {{id(1), wrapped(1)}, {id(2), wrapped(2)}}}));
  for (auto b :
       {AccessBasis::none, AccessBasis::patient, AccessBasis::consent, AccessBasis::emergency})
    add(4, encode_access_event(sample_event(b)));
  RecordAnchor shared = sample_anchor();
  shared.emergency = EmergencyShares{2, {wrapped(7), wrapped(8), wrapped(9)}};
  add(0, encode_record_anchor(shared));
  add(5, encode_emergency_policy({3, 2, {"did:web:a.example", "did:web:b.example"}}));
  EmergencyRelease release{id(4), 2, 1, id(5), {}};
  release.sealed.bytes.fill(0x5a);
  add(6, encode_emergency_release(release));
  return out;
}

// Decodes with the decoder the selector names; true when it decodes.
bool decodes(ByteView payload, std::uint8_t selector) {
  switch (selector) {
    case 0:
      return decode_record_anchor(payload).is_ok();
    case 1:
      return decode_consent_grant(payload).is_ok();
    case 2:
      return decode_consent_revoke(payload).is_ok();
    case 3:
      return decode_category_key_update(payload).is_ok();
    case 5:
      return decode_emergency_policy(payload).is_ok();
    case 6:
      return decode_emergency_release(payload).is_ok();
    default:
      return decode_access_event(payload).is_ok();
  }
}

TEST(ConsentCodec, RoundTripsAndRefusesTruncationAndTrailingBytes) {
  for (const Bytes& sample : samples()) {
    std::uint8_t sel = sample[0];
    Bytes payload(sample.begin() + 1, sample.end());
    ASSERT_TRUE(decodes(payload, sel)) << "selector " << int(sel);
    for (std::size_t n = 0; n < payload.size(); ++n)
      EXPECT_FALSE(decodes(ByteView(payload).first(n), sel))
          << "selector " << int(sel) << " truncated to " << n;
    Bytes longer = payload;
    longer.push_back(0);
    EXPECT_FALSE(decodes(longer, sel)) << "selector " << int(sel) << " with a trailing byte";
  }
  EXPECT_EQ(*decode_record_anchor(encode_record_anchor(sample_anchor())), sample_anchor());
  for (auto scope : {ScopeKind::records, ScopeKind::category})
    EXPECT_EQ(*decode_consent_grant(encode_consent_grant(sample_grant(scope))),
              sample_grant(scope));
  for (auto b :
       {AccessBasis::none, AccessBasis::author, AccessBasis::consent, AccessBasis::emergency}) {
    AccessEvent e = sample_event(b);
    EXPECT_EQ(*decode_access_event(encode_access_event(e)), e);
  }
}

TEST(ConsentCodec, RefusesNonCanonicalAndOutOfRangeGrants) {
  auto refused = [](ConsentGrant g, const std::string& why) {
    auto d = decode_consent_grant(encode_consent_grant(g));
    ASSERT_FALSE(d) << why;
    EXPECT_FALSE(d.error().message.empty());
  };
  ConsentGrant g = sample_grant(ScopeKind::records);
  std::swap(g.purposes[0], g.purposes[1]);
  refused(g, "purposes out of order");
  g = sample_grant(ScopeKind::records);
  g.purposes = {"TREAT", "TREAT"};
  refused(g, "purpose twice");
  g.purposes = {"GOSSIP"};
  refused(g, "unknown purpose");
  g = sample_grant(ScopeKind::records);
  g.actions = 0;
  refused(g, "no action");
  g.actions = 0x20;
  refused(g, "unknown action bit");
  g = sample_grant(ScopeKind::records);
  g.not_after_ms = g.not_before_ms;
  refused(g, "empty window");
  g = sample_grant(ScopeKind::records);
  std::swap(g.records[0], g.records[1]);
  std::swap(g.record_keys[0], g.record_keys[1]);
  refused(g, "records out of order");
  g = sample_grant(ScopeKind::records);
  g.record_keys.pop_back();
  refused(g, "a record without its key");
  g = sample_grant(ScopeKind::records);
  g.record_keys[1].record = id(3);
  refused(g, "a key for another record");
  g = sample_grant(ScopeKind::records);
  g.records.clear();
  g.record_keys.clear();
  refused(g, "no records");
  g = sample_grant(ScopeKind::category);
  g.category = "Obs/../x";
  refused(g, "bad category");
  g = sample_grant(ScopeKind::category);
  g.category_epoch = 0;
  refused(g, "epoch 0");
  g = sample_grant(ScopeKind::records);
  g.grantee = "did:key:z6MkNotAKey";
  refused(g, "grantee not a did:key");
  g.grantee = "did:web:example.com";
  refused(g, "a person grantee must be did:key or did:pv");
  g.grantee_kind = GranteeKind::organization;
  EXPECT_TRUE(decode_consent_grant(encode_consent_grant(g)));
  g.grantee = "did:web:exa mple";
  refused(g, "organization DID with a space");
}

TEST(ConsentCodec, RefusesBadAnchorsEventsAndFlags) {
  RecordAnchor a = sample_anchor();
  a.media_type = "Application/PDF";
  EXPECT_FALSE(decode_record_anchor(encode_record_anchor(a)));
  a = sample_anchor();
  a.cid.clear();
  EXPECT_FALSE(decode_record_anchor(encode_record_anchor(a)));
  a = sample_anchor();
  a.for_category->epoch = 0;
  EXPECT_FALSE(decode_record_anchor(encode_record_anchor(a)));
  Bytes flag = encode_record_anchor(sample_anchor());
  // The category flag sits before the last 4 + 32 + 80 bytes and the emergency flag.
  flag[flag.size() - 118] = 2;
  EXPECT_FALSE(decode_record_anchor(flag));
  Bytes version = encode_consent_revoke({id(1)});
  version[0] = 2;
  EXPECT_FALSE(decode_consent_revoke(version));

  AccessEvent e = sample_event(AccessBasis::none);
  e.reason.clear();
  EXPECT_FALSE(decode_access_event(encode_access_event(e))) << "a refusal without a reason";
  e = sample_event(AccessBasis::patient);
  e.reason = "because";
  EXPECT_FALSE(decode_access_event(encode_access_event(e))) << "a permit with a reason";
  e = sample_event(AccessBasis::none);
  e.reason = "line\nbreak";
  EXPECT_FALSE(decode_access_event(encode_access_event(e)));
  e = sample_event(AccessBasis::patient);
  e.action = static_cast<ConsentAction>(6);
  EXPECT_FALSE(decode_access_event(encode_access_event(e))) << "two actions at once";

  CategoryKeyUpdate u{"Observation", 1, id(6), {{id(2), wrapped(1)}, {id(1), wrapped(2)}}};
  EXPECT_FALSE(decode_category_key_update(encode_category_key_update(u)))
      << "consents out of order";
}

TEST(ConsentCodec, FuzzSeedsAreCurrent) {
  const char* out = std::getenv("PV_WRITE_CONSENT_SEEDS");
  if (out != nullptr) {
    int i = 0;
    for (const Bytes& s : samples())
      std::ofstream(std::string(out) + "/seed-" + std::to_string(i++), std::ios::binary)
          .write(reinterpret_cast<const char*>(s.data()), static_cast<std::streamsize>(s.size()));
  }
  std::filesystem::path dir =
      std::filesystem::path(PV_SOURCE_DIR) / "fuzz/corpus/consent_payload_fuzz";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  int seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().filename().string().rfind("seed-", 0) != 0) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(bytes.empty());
    EXPECT_TRUE(decodes(ByteView(bytes).subspan(1), bytes[0] % 7)) << entry.path();
    ++seeds;
  }
  EXPECT_GE(seeds, 13);
}

}  // namespace
}  // namespace pv
