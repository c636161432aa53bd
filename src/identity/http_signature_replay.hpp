#pragma once
// ReplayGuard: refuses a request signature seen before, for as long as that signature could
// still pass the freshness check.
//
// A signature with `created` = c is accepted only while now <= c + max_skew, so remembering it
// until c + max_skew is enough: after that the freshness check refuses it on its own. Entries
// are the SHA-256 of the signature bytes, so memory is 32 bytes (plus container overhead) per
// remembered signature, bounded by `capacity`.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>

#include "crypto/ed25519.hpp"
#include "crypto/sha256.hpp"

namespace pv {

class ReplayGuard {
 public:
  static constexpr std::size_t kDefaultCapacity = 1'000'000;

  explicit ReplayGuard(std::size_t capacity = kDefaultCapacity) : capacity_(capacity) {}
  ReplayGuard(const ReplayGuard&) = delete;
  ReplayGuard& operator=(const ReplayGuard&) = delete;

  // Atomically checks and records `signature`, to be remembered until `forget_after` (unix
  // seconds). Returns Errc::unauthorized if it was seen before and is still remembered, and
  // Errc::unavailable if the guard is full of unexpired entries (fail closed: a full guard
  // cannot tell a replay from a fresh request). `now` drives expiry of old entries.
  // Thread-safe.
  [[nodiscard]] Status check_and_remember(const Signature& signature, std::int64_t forget_after,
                                          std::int64_t now);

  // Entries currently remembered (for tests and metrics). Thread-safe.
  std::size_t size() const;

 private:
  // REQUIRES: mu_ held.
  void forget_expired(std::int64_t now);

  const std::size_t capacity_;
  mutable std::mutex mu_;
  // Invariant: `seen_` and `by_expiry_` hold exactly the same hashes.
  std::set<Hash32> seen_;
  std::multimap<std::int64_t, Hash32> by_expiry_;
};

}  // namespace pv
