#pragma once
// The XOF duplex sponge over SHAKE128 of draft-irtf-cfrg-fiat-shamir (docs/zk.md section 3):
// Init(session_id) absorbs session_id || zeros(R - 32); Absorb appends; Squeeze continues one
// output stream until the next non-empty Absorb. Not thread-safe.

#include <memory>

#include "base/bytes.hpp"
#include "zk/p256.hpp"

namespace pv::zk {

using SessionId = FixedBytes<32>;

class DuplexSponge {
 public:
  explicit DuplexSponge(const SessionId& session_id);
  DuplexSponge(const DuplexSponge& other);
  DuplexSponge& operator=(const DuplexSponge&) = delete;
  ~DuplexSponge();

  void absorb(ByteView data);
  Bytes squeeze(std::size_t n);
  // A verifier message in the scalar field: DecodeField(Squeeze(48)), bias <= 2^-128.
  Scalar challenge();

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// DeriveSessionID(tag) = Init("irtf-cfrg-fiat-shamir/session-id").Absorb(tag).Squeeze(32).
SessionId derive_session_id(ByteView tag);
inline SessionId derive_session_id(std::string_view tag) {
  return derive_session_id(as_bytes(tag));
}

}  // namespace pv::zk
