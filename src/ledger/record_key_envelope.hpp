#pragma once
// Key envelopes (docs/erasure.md, "Key envelopes"; byte layout in docs/encoding.md): the sealed
// keys of a record travel outside the transactions that use them, so that erasing the record
// leaves no wrapped key or share of it in any block, in the Merkle log or in the orderer's log.
//
//  - A version-2 record anchor names the envelope holding its keys (for the patient, the author,
//    the category wrap, the emergency shares) by CID and declares the epochs they were sealed
//    under; the block rules check those declarations against the state (deterministic, needs no
//    envelope), the node that admits the anchor checks the envelope's recipients
//    (check_record_keys), and every node serves the keys from its content store.
//  - A version-2 consent grant names, per record, an envelope holding the grantee's key.
//
// The envelope is an ordinary raw block of the content store: its CID (computed above this
// level) binds it to the transaction; these functions decode it and check that it is the one
// the transaction describes. The record's eraser deletes it like a content block.

#include <functional>

#include "ledger/consent_payloads.hpp"
#include "ledger/emergency_payloads.hpp"
#include "ledger/state.hpp"

namespace pv {

inline constexpr std::size_t kMaxKeyEnvelopeBytes = 4096;

[[nodiscard]] inline bool has_key_envelope(const RecordAnchor& a) {
  return !a.key_envelope.empty();
}
// What the anchor was sealed under, whichever its version.
std::uint32_t category_epoch_of(const RecordAnchor& a);
std::uint32_t emergency_epoch_of(const RecordAnchor& a);
std::size_t emergency_share_count(const RecordAnchor& a);

// The envelope of `a`'s keys (its four key fields), and `a` turned into a version-2 anchor that
// names it by `envelope_cid`: the key fields stay filled in memory (the encoding leaves them
// out), the declarations are set from them.
Bytes encode_record_key_envelope(const RecordAnchor& a);
RecordAnchor enveloped_anchor(RecordAnchor a, Bytes envelope_cid);

// `a` (version 2) with its key fields filled from `envelope`. Refused when the envelope does not
// decode (strict, like every payload) or declares other epochs or share counts than the anchor.
[[nodiscard]] Result<RecordAnchor> open_record_key_envelope(RecordAnchor a, ByteView envelope);

// A grantee's key of one record in a version-2 consent grant: the envelope names the record, so
// it cannot be presented for another.
Bytes encode_grant_key_envelope(const RecordId& record, const WrappedKey& key);
[[nodiscard]] Result<WrappedKey> open_grant_key_envelope(const RecordId& record, ByteView envelope);

// A custodian's share re-sealed to an emergency reader, in a version-2 release: the envelope
// names the access event, the share number and the reader's key, so it cannot be presented for
// another release.
Bytes encode_release_key_envelope(const EmergencyRelease& release);
[[nodiscard]] Result<SealedRelease> open_release_key_envelope(const EmergencyRelease& release,
                                                              ByteView envelope);

// The recipient checks of an anchor's keys against `state` (filled keys: a version-1 anchor, or
// a version-2 one opened from its envelope): the patient's and the author's keys are sealed to
// their DIDs, the category wrap to the patient's current category key, one emergency share to
// each custodian of the patient's current policy. `author` is the signer's DID.
[[nodiscard]] Status check_record_keys(const StateView& state, const RecordAnchor& a,
                                       const std::string& author);
// The part of those checks a block can make without the envelope: the declared category epoch
// is the patient's current one (and, with filled keys, the wrap is sealed to that key); the
// declared emergency epoch and share count are the current policy's (and, with filled keys, each
// share is sealed to its custodian).
[[nodiscard]] Status check_key_declarations(const StateView& state, const RecordAnchor& a);

// How a node reads a key envelope: the bytes of the content-store object `cid` (binary CID).
using KeyEnvelopeReader = std::function<Result<Bytes>(ByteView cid)>;

// The bytes of envelope `cid` through `read`; Errc::unavailable, naming `whose` ("the
// record's"), when there is no reader or it cannot read them.
[[nodiscard]] Result<Bytes> read_key_envelope(const KeyEnvelopeReader& read, ByteView cid,
                                              const std::string& whose);
// `a` with its keys filled: unchanged for version 1; for version 2 read through `read` and
// opened. Errc::unavailable when there is no reader or the envelope cannot be read.
[[nodiscard]] Result<RecordAnchor> with_record_keys(RecordAnchor a, const KeyEnvelopeReader& read);
// `release` with `sealed` filled: unchanged for version 1; for version 2 read through `read` and
// opened. Errc::unavailable when the envelope cannot be read (after an erasure, none can).
[[nodiscard]] Result<EmergencyRelease> with_released_share(EmergencyRelease release,
                                                           const KeyEnvelopeReader& read);
// The grantee's key of one record in a consent grant: in the grant (version 1) or read through
// `read` from its envelope (version 2).
[[nodiscard]] Result<WrappedKey> grant_key(const RecordKeyGrant& k, const KeyEnvelopeReader& read);

}  // namespace pv
