#pragma once
// The keyed commitment a record anchor carries (docs/consent.md, "Record anchor"): a proof that
// a given plaintext existed when the anchor was committed, which tells nothing to anyone without
// the record's data key (an unkeyed hash of a small FHIR resource could be found by guessing).
//
//   commitment key = HKDF-SHA-256(IKM = data key, salt = empty,
//                                 info = "patientvault/v1/record-commitment", L = 32)
//   commitment     = HMAC-SHA-256(commitment key, plaintext)
//
// A separate key (not the data key itself) keeps the MAC and the cipher from sharing a key.

#include <string_view>

#include "crypto/hmac.hpp"
#include "identity/key_wrap.hpp"

namespace pv {

inline constexpr std::string_view kRecordCommitmentInfo = "patientvault/v1/record-commitment";

SecretKey32 record_commitment_key(const SecretKey32& data_key);
Hash32 record_commitment(const SecretKey32& data_key, ByteView plaintext);

// Incremental form, for files read in pieces.
class RecordCommitment {
 public:
  explicit RecordCommitment(const SecretKey32& data_key);
  RecordCommitment& update(ByteView data) {
    mac_.update(data);
    return *this;
  }
  Hash32 finish() { return mac_.finish(); }

 private:
  HmacSha256 mac_;
};

}  // namespace pv
