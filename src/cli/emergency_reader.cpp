#include "cli/emergency_reader.hpp"

#include <sodium.h>

#include <thread>

#include "identity/emergency_shares.hpp"

namespace pv::cli {
namespace {

// At most this many k-subsets are tried (C(16, 8) would be 12870).
constexpr std::size_t kMaxCandidates = 32;

const SigningKey* key_for(const Actor& actor, const PublicKey& recipient) {
  if (actor.secrets().current.public_key() == recipient) return &actor.secrets().current;
  for (const auto& k : actor.secrets().devices)
    if (k.public_key() == recipient) return &k;
  return nullptr;
}

void add_candidates(const std::vector<SecretShare>& shares, std::size_t k,
                    std::vector<SecretKey32>& out) {
  std::vector<std::size_t> pick(k);
  for (std::size_t i = 0; i < k; ++i) pick[i] = i;
  while (out.size() < kMaxCandidates) {
    std::vector<SecretShare> subset;
    for (auto i : pick) subset.push_back(shares[i]);
    if (auto key = combine_shares(subset)) out.push_back(*key);
    for (auto& s : subset) sodium_memzero(s.value.data(), s.value.size());
    // Next k-combination of 0..n-1 in lexicographic order.
    std::size_t i = k;
    while (i > 0 && pick[i - 1] == shares.size() - k + i - 1) --i;
    if (i == 0) break;
    ++pick[i - 1];
    for (std::size_t j = i; j < k; ++j) pick[j] = pick[j - 1] + 1;
  }
}

}  // namespace

Result<EmergencyKeyCandidates> collect_emergency_key(
    api::NodeClient& client, const Actor& reader, const TxId& event, std::chrono::milliseconds wait,
    std::chrono::milliseconds poll,
    const std::function<void(const EmergencyEventView&)>& progress) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  std::size_t seen = SIZE_MAX;
  for (;;) {
    auto view = fetch_emergency_event(client, event);
    if (!view) return view.error();
    if (view->epoch == 0)
      return make_error(Errc::not_found,
                        "the record was anchored before its patient set up emergency access: no "
                        "custodian holds a share of its key");
    if (view->reader != reader.did())
      return make_error(Errc::forbidden, "emergency access " + event.hex() + " was made by " +
                                             view->reader + ", not by " + reader.did());
    if (view->releases.size() != seen) {
      seen = view->releases.size();
      if (progress) progress(*view);
    }
    EmergencyKeyCandidates out;
    std::vector<SecretShare> shares;
    for (const auto& r : view->releases) {
      const SigningKey* key = key_for(reader, r.release.recipient);
      auto share = key ? open_release(r.release, event, *key)
                       : Result<SecretShare>(make_error(
                             Errc::unauthorized, "sealed to a key this wallet does not hold"));
      if (share)
        shares.push_back(*share);
      else
        out.refused.push_back("share " + std::to_string(r.release.share) + " from " + r.custodian +
                              ": " + share.error().message);
    }
    if (shares.size() >= view->threshold && view->threshold >= 2) {
      add_candidates(shares, view->threshold, out.candidates);
      for (auto& s : shares) sodium_memzero(s.value.data(), s.value.size());
      out.view = std::move(*view);
      return out;
    }
    for (auto& s : shares) sodium_memzero(s.value.data(), s.value.size());
    const bool timed_out = std::chrono::steady_clock::now() >= deadline;
    if (!view->open || timed_out) {
      std::string missing;
      for (const auto& c : view->custodians) {
        bool released = false;
        for (const auto& r : view->releases) released = released || r.release.share == c.share;
        if (!released) missing += (missing.empty() ? "" : ", ") + c.organization;
      }
      std::string refused;
      for (const auto& r : out.refused) refused += "; " + r;
      return make_error(Errc::unavailable,
                        std::to_string(shares.size()) + " of the " +
                            std::to_string(view->threshold) + " shares needed were released" +
                            (view->open ? " in time" : " before the 24-hour window closed") +
                            "; not released by: " + missing + refused);
    }
    std::this_thread::sleep_for(poll);
  }
}

}  // namespace pv::cli
