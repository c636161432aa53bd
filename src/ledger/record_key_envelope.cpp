// Key envelopes of record anchors and consent grants (ledger/record_key_envelope.hpp).

#include "ledger/record_key_envelope.hpp"

#include "codec/binary.hpp"
#include "ledger/consent_state.hpp"
#include "ledger/emergency_rules.hpp"

namespace pv {
namespace {

// The first two bytes of every envelope: the format version and what it holds, so an envelope
// of one kind can never be read as the other.
inline constexpr std::uint8_t kEnvelopeVersion = 1;
inline constexpr std::uint8_t kEnvelopeRecordKeys = 1;
inline constexpr std::uint8_t kEnvelopeGrantKey = 2;
inline constexpr std::uint8_t kEnvelopeReleasedShare = 3;

Status read_envelope_header(BinaryReader& r, std::uint8_t kind, ByteView envelope) {
  if (envelope.size() > kMaxKeyEnvelopeBytes)
    return make_error(Errc::malformed, "a key envelope is at most 4096 bytes");
  auto version = r.u8("key envelope version");
  if (!version) return version.error();
  if (*version != kEnvelopeVersion)
    return make_error(Errc::malformed,
                      "unsupported key envelope version " + std::to_string(*version));
  auto k = r.u8("key envelope kind");
  if (!k) return k.error();
  if (*k != kind)
    return make_error(Errc::invalid_argument,
                      kind == kEnvelopeRecordKeys
                          ? "this object is not the key envelope of a record anchor"
                          : (kind == kEnvelopeGrantKey
                                 ? "this object is not the key envelope of a consent grant"
                                 : "this object is not the key envelope of an emergency release"));
  return Status::ok();
}

}  // namespace

std::uint32_t category_epoch_of(const RecordAnchor& a) {
  if (has_key_envelope(a)) return a.sealed_category_epoch;
  return a.for_category ? a.for_category->epoch : 0;
}

std::uint32_t emergency_epoch_of(const RecordAnchor& a) {
  if (has_key_envelope(a)) return a.sealed_emergency_epoch;
  return a.emergency ? a.emergency->epoch : 0;
}

std::size_t emergency_share_count(const RecordAnchor& a) {
  if (has_key_envelope(a)) return a.sealed_emergency_shares;
  return a.emergency ? a.emergency->shares.size() : 0;
}

Bytes encode_record_key_envelope(const RecordAnchor& a) {
  BinaryWriter w;
  w.u8(kEnvelopeVersion);
  w.u8(kEnvelopeRecordKeys);
  write_record_keys(w, a);
  return w.take();
}

RecordAnchor enveloped_anchor(RecordAnchor a, Bytes envelope_cid) {
  a.key_envelope = std::move(envelope_cid);
  a.sealed_category_epoch = a.for_category ? a.for_category->epoch : 0;
  a.sealed_emergency_epoch = a.emergency ? a.emergency->epoch : 0;
  a.sealed_emergency_shares =
      a.emergency ? static_cast<std::uint8_t>(a.emergency->shares.size()) : 0;
  return a;
}

Result<RecordAnchor> open_record_key_envelope(RecordAnchor a, ByteView envelope) {
  if (!has_key_envelope(a))
    return make_error(Errc::invalid_argument, "a version-1 anchor carries its keys itself");
  BinaryReader r(envelope);
  PV_TRY(read_envelope_header(r, kEnvelopeRecordKeys, envelope));
  RecordAnchor keys;
  PV_TRY(read_record_keys(r, keys));
  PV_TRY(r.expect_end("key envelope"));
  const std::uint32_t category = keys.for_category ? keys.for_category->epoch : 0;
  const std::uint32_t emergency = keys.emergency ? keys.emergency->epoch : 0;
  const std::size_t shares = keys.emergency ? keys.emergency->shares.size() : 0;
  if (category != a.sealed_category_epoch || emergency != a.sealed_emergency_epoch ||
      shares != a.sealed_emergency_shares)
    return make_error(
        Errc::invalid_argument,
        "the key envelope does not hold what the anchor declares (category epoch " +
            std::to_string(category) + " vs " + std::to_string(a.sealed_category_epoch) +
            ", emergency epoch " + std::to_string(emergency) + " vs " +
            std::to_string(a.sealed_emergency_epoch) + ", shares " + std::to_string(shares) +
            " vs " + std::to_string(a.sealed_emergency_shares) + ")");
  a.for_patient = keys.for_patient;
  a.for_author = keys.for_author;
  a.for_category = std::move(keys.for_category);
  a.emergency = std::move(keys.emergency);
  return a;
}

Bytes encode_grant_key_envelope(const RecordId& record, const WrappedKey& key) {
  BinaryWriter w;
  w.u8(kEnvelopeVersion);
  w.u8(kEnvelopeGrantKey);
  w.fixed(record);
  write_wrapped_key(w, key);
  return w.take();
}

Result<WrappedKey> open_grant_key_envelope(const RecordId& record, ByteView envelope) {
  BinaryReader r(envelope);
  PV_TRY(read_envelope_header(r, kEnvelopeGrantKey, envelope));
  auto named = r.fixed<32>("record id");
  if (!named) return named.error();
  auto key = read_wrapped_key(r, "grantee's wrapped key");
  if (!key) return key.error();
  PV_TRY(r.expect_end("key envelope"));
  if (*named != record)
    return make_error(Errc::invalid_argument, "the key envelope is for record " +
                                                  named->hex().substr(0, 16) + ", not " +
                                                  record.hex().substr(0, 16));
  return key;
}

Bytes encode_release_key_envelope(const EmergencyRelease& release) {
  BinaryWriter w;
  w.u8(kEnvelopeVersion);
  w.u8(kEnvelopeReleasedShare);
  w.fixed(release.event);
  w.u8(release.share);
  w.fixed(release.recipient);
  w.fixed(release.sealed);
  return w.take();
}

Result<SealedRelease> open_release_key_envelope(const EmergencyRelease& release,
                                                ByteView envelope) {
  BinaryReader r(envelope);
  PV_TRY(read_envelope_header(r, kEnvelopeReleasedShare, envelope));
  auto event = r.fixed<32>("access event");
  if (!event) return event.error();
  auto share = r.u8("share number");
  if (!share) return share.error();
  auto recipient = r.fixed<32>("recipient");
  if (!recipient) return recipient.error();
  auto sealed = r.fixed<kSealedReleaseBytes>("sealed share");
  if (!sealed) return sealed.error();
  PV_TRY(r.expect_end("key envelope"));
  if (*event != release.event || *share != release.share || *recipient != release.recipient)
    return make_error(Errc::invalid_argument,
                      "the key envelope holds share " + std::to_string(*share) + " of access event " +
                          event->hex().substr(0, 16) + " for another reader, not what the "
                          "release names");
  return *sealed;
}

Status check_key_declarations(const StateView& state, const RecordAnchor& a) {
  auto current = load_category_key(state, a.patient, a.category);
  if (!current) return current.error();
  const std::uint32_t sealed = category_epoch_of(a);
  if (!*current) {
    if (sealed != 0)
      return make_error(Errc::invalid_argument, "the patient has no " + a.category +
                                                    " category key; send no category wrap");
  } else {
    const CategoryKeyState& k = **current;
    const bool same_key = has_key_envelope(a) && !a.for_category
                              ? true  // declared only: the admitting node checked the key
                              : a.for_category && a.for_category->category_key == k.public_key;
    if (sealed != k.epoch || !same_key)
      return make_error(Errc::conflict, "the patient's " + a.category +
                                            " category key is at epoch " + std::to_string(k.epoch) +
                                            ": seal the data key to it");
  }
  return check_emergency_shares(state, a);
}

Status check_record_keys(const StateView& state, const RecordAnchor& a, const std::string& author) {
  PV_TRY(check_recipient(state, a.patient, a.for_patient.recipient, "the patient's wrapped key"));
  PV_TRY(check_recipient(state, author, a.for_author.recipient, "the author's wrapped key"));
  return check_key_declarations(state, a);
}

Result<Bytes> read_key_envelope(const KeyEnvelopeReader& read, ByteView cid,
                                const std::string& whose) {
  if (!read)
    return make_error(Errc::unavailable, whose +
                                             " keys are in a key envelope and no content store "
                                             "is available to read it");
  auto bytes = read(cid);
  if (!bytes)
    return make_error(Errc::unavailable,
                      whose + " key envelope cannot be read: " + bytes.error().message);
  return bytes;
}

Result<RecordAnchor> with_record_keys(RecordAnchor a, const KeyEnvelopeReader& read) {
  if (!has_key_envelope(a)) return a;
  auto bytes = read_key_envelope(read, ByteView(a.key_envelope), "the record's");
  if (!bytes) return bytes.error();
  return open_record_key_envelope(std::move(a), *bytes);
}

Result<WrappedKey> grant_key(const RecordKeyGrant& k, const KeyEnvelopeReader& read) {
  if (k.key_envelope.empty()) return k.key;
  auto bytes = read_key_envelope(read, ByteView(k.key_envelope), "the consent's");
  if (!bytes) return bytes.error();
  return open_grant_key_envelope(k.record, *bytes);
}

Result<EmergencyRelease> with_released_share(EmergencyRelease release,
                                             const KeyEnvelopeReader& read) {
  if (release.sealed_envelope.empty()) return release;
  auto bytes = read_key_envelope(read, release.sealed_envelope, "the released share's");
  if (!bytes) return bytes.error();
  auto sealed = open_release_key_envelope(release, *bytes);
  if (!sealed) return sealed.error();
  release.sealed = *sealed;
  return release;
}

}  // namespace pv
