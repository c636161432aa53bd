// Key envelopes (ledger/record_key_envelope.hpp): a version-2 anchor or grant carries no wrapped
// key or share, only the CID of an envelope and what the envelope was sealed under; an envelope
// that does not hold what the transaction declares, of the wrong kind, for another record,
// truncated or with a byte too many is refused.

#include <gtest/gtest.h>

#include <algorithm>

#include "codec/did_key.hpp"
#include "ledger/record_key_envelope.hpp"

namespace pv {
namespace {

std::string person() {
  Seed seed;
  seed.bytes.fill(0x42);
  return did_key_from_public_key(SigningKey::from_seed(seed).public_key());
}

WrappedKey wrapped(std::uint8_t fill) {
  WrappedKey k;
  k.recipient.bytes.fill(fill);
  for (std::size_t i = 0; i < k.sealed.bytes.size(); ++i)
    k.sealed.bytes[i] = static_cast<std::uint8_t>(fill * 7 + i);
  return k;
}

Hash32 filled(std::uint8_t fill) {
  Hash32 h;
  h.bytes.fill(fill);
  return h;
}

// A version-1 anchor with every kind of key: patient, author, category wrap, three shares.
RecordAnchor keyed_anchor() {
  RecordAnchor a;
  a.patient = person();
  a.organization = "did:web:general-hospital.example";
  a.cid = {0x01, 0x55, 0x12, 0x20, 1, 2, 3};
  a.commitment = filled(9);
  a.category = "Observation";
  a.media_type = "application/fhir+json";
  a.size = 1234;
  a.for_patient = wrapped(1);
  a.for_author = wrapped(2);
  SealedKeyBox box;
  box.bytes.fill(0x33);
  a.for_category = CategoryWrap{3, filled(4), box};
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
  auto grant = open_record_key_envelope(v2, encode_grant_key_envelope(filled(1), wrapped(1)));
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

TEST(KeyEnvelope, AGrantKeyEnvelopeOpensOnlyForItsRecord) {
  const WrappedKey key = wrapped(7);
  const Bytes envelope = encode_grant_key_envelope(filled(1), key);
  auto opened = open_grant_key_envelope(filled(1), envelope);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(*opened, key);
  auto other = open_grant_key_envelope(filled(2), envelope);
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("is for record"), std::string::npos);
  EXPECT_FALSE(open_grant_key_envelope(filled(1), encode_record_key_envelope(keyed_anchor())));
  for (std::size_t n = 0; n < envelope.size(); ++n)
    EXPECT_FALSE(open_grant_key_envelope(filled(1), ByteView(envelope).first(n))) << n;

  // A version-2 grant names the envelopes and carries no wrapped key.
  ConsentGrant g;
  g.grantee = person();
  g.scope = ScopeKind::records;
  g.records = {filled(1), filled(2)};
  g.actions = static_cast<std::uint8_t>(ConsentAction::access);
  g.purposes = {"TREAT"};
  g.not_before_ms = 1;
  g.not_after_ms = 2;
  g.record_keys = {{filled(1), {}, kEnvelopeCid}, {filled(2), {}, {0x01, 0x55, 0x12, 0x20, 9}}};
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
