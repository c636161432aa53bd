#pragma once
// The typed decoders of route parameters, one per kind, shared by every route: whatever a route
// takes from a path or a query (a CID, a DID, a transaction id, a height, a size) goes through
// one of these, and each error names the parameter and says what it should look like. The front
// has already checked that the text is percent-decoded valid UTF-8 (http/url.hpp).

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "content/cid.hpp"
#include "http/url.hpp"
#include "ledger/transaction.hpp"

namespace pv::api {

// Request text echoed in errors and logs goes through the front's excerpt (http/url.hpp).
using http::printable_excerpt;

// A decimal u64 with nothing around it (a height, a size, an offset...).
[[nodiscard]] Result<std::uint64_t> parse_decimal(const std::string& text, const char* what);
// A transaction id: 64 hex characters.
[[nodiscard]] Result<TxId> parse_tx_id(const std::string& text);
// A CID as given in a URL or a Kubo `arg` ("/ipfs/" prefix allowed): CIDv0 or CIDv1 with a
// sha2-256 multihash and a codec this node stores (raw or dag-pb).
[[nodiscard]] Result<content::Cid> parse_cid_argument(std::string text);
// A DID (W3C DID Core syntax: did:<method>:<method-specific-id>, at most 512 characters).
// `what` names the parameter ("patient DID").
[[nodiscard]] Result<std::string> parse_did(const std::string& text, const char* what);

}  // namespace pv::api
