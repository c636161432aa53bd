// The record, consent and access payload codecs: round trips, every truncation and any trailing
// byte refused, and each non-canonical or out-of-range form refused with an error (never a
// crash). The same sample payloads are the fuzz target's seeds: with PV_WRITE_CONSENT_SEEDS=DIR
// set, the test writes them there (fuzz/corpus/consent_payload_fuzz); otherwise it checks that
// the committed seeds still decode.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "codec/did_key.hpp"
#include "ledger/consent_payloads.hpp"
#include "ledger/emergency_payloads.hpp"
#include "ledger/record_key_envelope.hpp"

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
  EmergencyRelease release{id(4), 2, 1, id(5), {}, {}};
  release.sealed.bytes.fill(0x5a);
  add(6, encode_emergency_release(release));
  EmergencyRelease enveloped_release = release;
  enveloped_release.sealed = SealedRelease{};
  enveloped_release.sealed_envelope = {0x01, 0x55, 0x12, 0x20, 6};
  add(6, encode_emergency_release(enveloped_release));
  add(7, encode_release_key_envelope(release));
  // Version 2: key envelopes (ledger/record_key_envelope.hpp), and the envelopes themselves.
  const Bytes envelope_cid = {0x01, 0x55, 0x12, 0x20, 8, 8, 8};
  add(0, encode_record_anchor(enveloped_anchor(shared, envelope_cid)));
  ConsentGrant enveloped = sample_grant(ScopeKind::records);
  for (auto& k : enveloped.record_keys) k.key_envelope = envelope_cid;
  add(1, encode_consent_grant(enveloped));
  add(7, encode_record_key_envelope(plain));
  add(7, encode_grant_key_envelope(RecordId{}, wrapped(3)));
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
    case 7: {
      RecordAnchor declared;
      declared.key_envelope = {0x01};
      EmergencyRelease named{id(4), 2, 1, id(5), {}, {}};
      return open_record_key_envelope(declared, payload).is_ok() ||
             open_grant_key_envelope(RecordId{}, payload).is_ok() ||
             open_release_key_envelope(named, payload).is_ok();
    }
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
    EXPECT_TRUE(decodes(ByteView(bytes).subspan(1), bytes[0] % 8)) << entry.path();
    ++seeds;
  }
  EXPECT_GE(seeds, 13);
}

// Key envelopes (ledger/record_key_envelope.hpp): a version-2 anchor or grant carries no wrapped
// key or share, only the CID of an envelope and what the envelope was sealed under; an envelope
// that does not hold what the transaction declares, of the wrong kind, for another record,
// truncated or with a byte too many is refused.

// A version-1 anchor with every kind of key: patient, author, category wrap, three shares.
RecordAnchor keyed_anchor() {
  RecordAnchor a = sample_anchor();
  a.for_category->sealed.bytes.fill(0x33);
  a.emergency = EmergencyShares{2, {wrapped(5), wrapped(6), wrapped(7)}};
  return a;
}

bool contains(const Bytes& haystack, ByteView needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

const Bytes kEnvelopeCid = {0x01, 0x55, 0x12, 0x20, 8, 8, 8};

TEST(KeyEnvelope, AVersion2AnchorCarriesNoKeyAndOpensToTheSameKeys) {
  const RecordAnchor v1 = keyed_anchor();
  const Bytes envelope = encode_record_key_envelope(v1);
  const RecordAnchor v2 = enveloped_anchor(v1, kEnvelopeCid);
  const Bytes payload = encode_record_anchor(v2);
  EXPECT_EQ(payload[0], 2) << "version 2";
  // No sealed box, no recipient key, no share of the record is in the transaction's payload.
  for (const WrappedKey& k : {v1.for_patient, v1.for_author, v1.emergency->shares[0],
                              v1.emergency->shares[1], v1.emergency->shares[2]}) {
    EXPECT_FALSE(contains(payload, k.sealed.view()));
    EXPECT_FALSE(contains(payload, k.recipient.view()));
  }
  EXPECT_FALSE(contains(payload, v1.for_category->sealed.view()));
  EXPECT_FALSE(contains(payload, v1.for_category->category_key.view()));
  EXPECT_TRUE(contains(envelope, v1.for_patient.sealed.view()));

  auto decoded = decode_record_anchor(payload);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_TRUE(has_key_envelope(*decoded));
  EXPECT_EQ(decoded->key_envelope, kEnvelopeCid);
  EXPECT_FALSE(decoded->for_category);
  EXPECT_FALSE(decoded->emergency);
  EXPECT_EQ(category_epoch_of(*decoded), 3u);
  EXPECT_EQ(emergency_epoch_of(*decoded), 2u);
  EXPECT_EQ(emergency_share_count(*decoded), 3u);
  EXPECT_EQ(encode_record_anchor(*decoded), payload) << "one encoding";

  auto opened = open_record_key_envelope(*decoded, envelope);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(*opened, v2);
  // Through a reader, as a node serves it; a version-1 anchor needs none.
  auto read = with_record_keys(*decoded, [&](ByteView cid) -> Result<Bytes> {
    EXPECT_EQ(Bytes(cid.begin(), cid.end()), kEnvelopeCid);
    return envelope;
  });
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, v2);
  EXPECT_TRUE(with_record_keys(v1, {}));
  auto no_store = with_record_keys(*decoded, {});
  ASSERT_FALSE(no_store);
  EXPECT_EQ(no_store.error().code, Errc::unavailable);
}

TEST(KeyEnvelope, RefusesAnEnvelopeThatIsNotTheOneTheAnchorDeclares) {
  const RecordAnchor v1 = keyed_anchor();
  const RecordAnchor v2 =
      *decode_record_anchor(encode_record_anchor(enveloped_anchor(v1, kEnvelopeCid)));
  const Bytes envelope = encode_record_key_envelope(v1);

  // Another record's envelope: same keys but no emergency shares, or another category epoch.
  RecordAnchor other = v1;
  other.emergency.reset();
  auto swapped = open_record_key_envelope(v2, encode_record_key_envelope(other));
  ASSERT_FALSE(swapped);
  EXPECT_NE(swapped.error().message.find("does not hold what the anchor declares"),
            std::string::npos)
      << swapped.error().message;
  other = v1;
  other.for_category->epoch = 4;
  EXPECT_FALSE(open_record_key_envelope(v2, encode_record_key_envelope(other)));

  // Every truncation, one byte too many, an unknown version, a grant's envelope.
  for (std::size_t n = 0; n < envelope.size(); ++n)
    EXPECT_FALSE(open_record_key_envelope(v2, ByteView(envelope).first(n))) << n;
  Bytes longer = envelope;
  longer.push_back(0);
  EXPECT_FALSE(open_record_key_envelope(v2, longer));
  Bytes version = envelope;
  version[0] = 9;
  EXPECT_FALSE(open_record_key_envelope(v2, version));
  Bytes flag = envelope;
  flag[2 + 112 + 112] = 2;  // the category flag
  EXPECT_FALSE(open_record_key_envelope(v2, flag));
  auto grant = open_record_key_envelope(v2, encode_grant_key_envelope(id(1), wrapped(1)));
  ASSERT_FALSE(grant);
  EXPECT_NE(grant.error().message.find("not the key envelope of a record anchor"),
            std::string::npos);
  // A version-1 anchor has no envelope to open.
  EXPECT_FALSE(open_record_key_envelope(v1, envelope));
}

TEST(KeyEnvelope, RefusesBadVersion2Declarations) {
  RecordAnchor a = enveloped_anchor(keyed_anchor(), kEnvelopeCid);
  Bytes good = encode_record_anchor(a);
  for (std::size_t n = 0; n < good.size(); ++n)
    EXPECT_FALSE(decode_record_anchor(ByteView(good).first(n))) << n;
  Bytes longer = good;
  longer.push_back(0);
  EXPECT_FALSE(decode_record_anchor(longer));

  a.sealed_emergency_shares = 0;  // an epoch without shares
  EXPECT_FALSE(decode_record_anchor(encode_record_anchor(a)));
  a.sealed_emergency_epoch = 0;
  a.sealed_emergency_shares = 3;  // shares without an epoch
  EXPECT_FALSE(decode_record_anchor(encode_record_anchor(a)));
  a.sealed_emergency_epoch = 1;
  a.sealed_emergency_shares = 17;
  EXPECT_FALSE(decode_record_anchor(encode_record_anchor(a)));
  a.sealed_emergency_epoch = 0;
  a.sealed_emergency_shares = 0;
  EXPECT_TRUE(decode_record_anchor(encode_record_anchor(a)));
  Bytes version = encode_record_anchor(a);
  version[0] = 3;
  EXPECT_FALSE(decode_record_anchor(version));
}

TEST(KeyEnvelope, AReleasedShareEnvelopeOpensOnlyForItsRelease) {
  EmergencyRelease release{id(4), 2, 1, id(5), {}, {}};
  release.sealed.bytes.fill(0x6b);
  const Bytes envelope = encode_release_key_envelope(release);
  // The version-2 release carries no sealed share, only the envelope's CID.
  EmergencyRelease named = release;
  named.sealed = SealedRelease{};
  named.sealed_envelope = kEnvelopeCid;
  const Bytes payload = encode_emergency_release(named);
  EXPECT_EQ(payload[0], 2);
  EXPECT_EQ(std::search(payload.begin(), payload.end(), release.sealed.bytes.begin(),
                        release.sealed.bytes.end()),
            payload.end());
  auto decoded = decode_emergency_release(payload);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, named);
  auto opened = open_release_key_envelope(named, envelope);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(*opened, release.sealed);
  // Presented for another event, share or reader: refused.
  for (int which = 0; which < 3; ++which) {
    EmergencyRelease other = named;
    if (which == 0) other.event = id(9);
    if (which == 1) other.share = 3;
    if (which == 2) other.recipient = id(9);
    EXPECT_FALSE(open_release_key_envelope(other, envelope)) << which;
  }
  EXPECT_FALSE(open_release_key_envelope(named, encode_grant_key_envelope(id(1), wrapped(1))));
  // A version-2 release that names no envelope does not decode.
  Bytes empty_cid = payload;
  empty_cid.resize(1 + 32 + 1 + 4 + 32);
  empty_cid.insert(empty_cid.end(), {0, 0, 0, 0});  // u32 length 0
  EXPECT_FALSE(decode_emergency_release(empty_cid));
}

TEST(KeyEnvelope, AGrantKeyEnvelopeOpensOnlyForItsRecord) {
  const WrappedKey key = wrapped(7);
  const Bytes envelope = encode_grant_key_envelope(id(1), key);
  auto opened = open_grant_key_envelope(id(1), envelope);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(*opened, key);
  auto other = open_grant_key_envelope(id(2), envelope);
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("is for record"), std::string::npos);
  EXPECT_FALSE(open_grant_key_envelope(id(1), encode_record_key_envelope(keyed_anchor())));
  for (std::size_t n = 0; n < envelope.size(); ++n)
    EXPECT_FALSE(open_grant_key_envelope(id(1), ByteView(envelope).first(n))) << n;

  // A version-2 grant names the envelopes and carries no wrapped key.
  ConsentGrant g;
  g.grantee = person();
  g.scope = ScopeKind::records;
  g.records = {id(1), id(2)};
  g.actions = static_cast<std::uint8_t>(ConsentAction::access);
  g.purposes = {"TREAT"};
  g.not_before_ms = 1;
  g.not_after_ms = 2;
  g.record_keys = {{id(1), {}, kEnvelopeCid}, {id(2), {}, {0x01, 0x55, 0x12, 0x20, 9}}};
  const Bytes payload = encode_consent_grant(g);
  EXPECT_EQ(payload[0], 2);
  auto decoded = decode_consent_grant(payload);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, g);
  g.record_keys[1].key_envelope.clear();  // one entry without its envelope
  EXPECT_FALSE(decode_consent_grant(encode_consent_grant(g)));
}

}  // namespace
}  // namespace pv
