#pragma once
// The emergency reader's side (docs/consent.md section 8.4): wait until k custodians have
// released their shares for this read, open each release with the reader's own key (refusing
// one sealed for another event), and combine k shares into candidate data keys. A candidate is
// only a key once the content decrypts and matches the anchored commitment: k-1 shares, a wrong
// share or a share of another record give a value that opens nothing.

#include <chrono>
#include <functional>

#include "cli/acting.hpp"
#include "cli/emergency_views.hpp"
#include "identity/key_wrap.hpp"

namespace pv::cli {

struct EmergencyKeyCandidates {
  EmergencyEventView view;              // as last seen, with the releases used
  std::vector<SecretKey32> candidates;  // first: the first k shares; then other k-subsets
  std::vector<std::string> refused;     // releases that did not open, and why
};

// Follows GET /v1/emergency/events/{event} every `poll` until `threshold` releases open, the
// release window closes, or `wait` passes (Errc::unavailable naming who has not released).
// `progress` is called whenever the number of releases changes.
[[nodiscard]] Result<EmergencyKeyCandidates> collect_emergency_key(
    api::NodeClient& client, const Actor& reader, const TxId& event, std::chrono::milliseconds wait,
    std::chrono::milliseconds poll, const std::function<void(const EmergencyEventView&)>& progress);

}  // namespace pv::cli
