#pragma once
// Internal to the api level: what the record and consent routes share — who is asking, paging
// through an append-only list in state, and loading what the lists point to.

#include "api/consent_views.hpp"
#include "api/routes.hpp"
#include "ledger/consent_state.hpp"
#include "node/record_access.hpp"

namespace pv::api {

inline constexpr std::uint64_t kDefaultPageSize = 500;
inline constexpr std::uint64_t kMaxPageSize = 5000;

struct Page {
  std::uint64_t from = 0;
  std::uint64_t limit = kDefaultPageSize;
};
// ?from=N&limit=M (both optional; limit 1..5000).
[[nodiscard]] Result<Page> parse_page(const http::Request& req);

// Ok when `req` was signed by `owner` (a patient reading their own lists); otherwise
// Errc::forbidden saying who may ask.
[[nodiscard]] Status require_signed_by(const SignedRequest& req, const std::string& owner,
                                       const char* what);

// Milliseconds since the Unix epoch, from this node's clock.
std::uint64_t node_now_ms();

// The access event committed as `id` with what its view needs; nullopt if `id` is not a
// committed access event.
struct LoadedAccessEvent {
  AccessEvent event;
  AccessEventContext context;
};
[[nodiscard]] Result<LoadedAccessEvent> load_access_event(ApiContext& ctx, const TxId& id);

}  // namespace pv::api
