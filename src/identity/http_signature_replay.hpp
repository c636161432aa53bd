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
#include <vector>

#include "crypto/ed25519.hpp"
#include "crypto/sha256.hpp"

namespace pv {

// Where a ReplayGuard keeps what it remembers so that a restart of the node does not forget it
// (a request signed before a restart would otherwise be accepted again after it, within the
// skew). Implementations must make remember() survive the process being killed.
class ReplayJournal {
 public:
  virtual ~ReplayJournal() = default;
  // Records signature hash `id`, to be kept until `forget_after` (unix seconds).
  [[nodiscard]] virtual Status remember(const Hash32& id, std::int64_t forget_after) = 0;
  // Drops every entry whose forget_after is before `now`.
  virtual void forget_before(std::int64_t now) = 0;
  // Every entry whose forget_after is at or after `now`.
  struct Entry {
    Hash32 id;
    std::int64_t forget_after = 0;
  };
  [[nodiscard]] virtual Result<std::vector<Entry>> load(std::int64_t now) = 0;
};

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

  // From now on every signature remembered is also written to `journal` (before the request is
  // accepted: a signature the journal could not record is refused with Errc::unavailable), and
  // what the journal kept from before a restart is remembered again. `journal` must outlive the
  // guard. Call once, before the guard is used.
  [[nodiscard]] Status attach(ReplayJournal& journal, std::int64_t now);

 private:
  // REQUIRES: mu_ held.
  void forget_expired(std::int64_t now);

  const std::size_t capacity_;
  mutable std::mutex mu_;
  // Invariant: `seen_` and `by_expiry_` hold exactly the same hashes.
  std::set<Hash32> seen_;
  std::multimap<std::int64_t, Hash32> by_expiry_;
  ReplayJournal* journal_ = nullptr;
  std::int64_t journal_swept_ = 0;  // when forget_before() last ran
};

}  // namespace pv
