#include "identity/http_signature_replay.hpp"

namespace pv {

namespace {
// How often the journal drops expired entries (one range deletion each time).
constexpr std::int64_t kJournalSweepSeconds = 60;
}  // namespace

void ReplayGuard::forget_expired(std::int64_t now) {
  auto end = by_expiry_.lower_bound(now);  // entries with forget_after < now
  for (auto it = by_expiry_.begin(); it != end; ++it) seen_.erase(it->second);
  by_expiry_.erase(by_expiry_.begin(), end);
  if (journal_ != nullptr && now - journal_swept_ >= kJournalSweepSeconds) {
    journal_->forget_before(now);
    journal_swept_ = now;
  }
}

Status ReplayGuard::attach(ReplayJournal& journal, std::int64_t now) {
  auto kept = journal.load(now);
  if (!kept) return kept.error();
  std::lock_guard lock(mu_);
  for (const auto& e : *kept) {
    if (seen_.size() >= capacity_) break;  // the newest are refused as "full" until some expire
    if (seen_.insert(e.id).second) by_expiry_.emplace(e.forget_after, e.id);
  }
  journal_ = &journal;
  journal_->forget_before(now);
  journal_swept_ = now;
  return Status::ok();
}

Status ReplayGuard::check_and_remember(const Signature& signature, std::int64_t forget_after,
                                       std::int64_t now) {
  const Hash32 id = sha256(signature.view());
  std::lock_guard lock(mu_);
  forget_expired(now);
  if (seen_.contains(id))
    return make_error(Errc::unauthorized, "replayed signature: this signature was already used");
  if (forget_after < now) return Status::ok();  // already unacceptable; nothing to remember
  if (seen_.size() >= capacity_)
    return make_error(Errc::unavailable, "replay guard full; retry later");
  if (journal_ != nullptr) {
    if (auto s = journal_->remember(id, forget_after); !s)
      return make_error(Errc::unavailable,
                        "cannot record the request's signature for replay protection (" +
                            s.error().message + "); retry later");
  }
  seen_.insert(id);
  by_expiry_.emplace(forget_after, id);
  return Status::ok();
}

std::size_t ReplayGuard::size() const {
  std::lock_guard lock(mu_);
  return seen_.size();
}

}  // namespace pv
