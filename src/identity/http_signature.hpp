#pragma once
// Requests made on someone's behalf are signed with RFC 9421 HTTP Message Signatures (Ed25519)
// over a set of request components that includes an RFC 9530 Content-Digest of the body.
//
// Client side: sign_request() adds Content-Digest, Signature-Input and Signature.
// Server side: verify_request() applies PatientVault's policy (docs/request-signatures.md):
// @method, @path and content-digest must be covered (and @query when the target has a query),
// `created` must be present and within max_skew of now, the body must match the digest, the
// keyid must resolve to a key that made the signature, and the signature must not have been
// seen before (ReplayGuard). Every refusal is Errc::unauthorized with a message saying which
// rule failed, except a full ReplayGuard (Errc::unavailable).
//
// Supported components: the derived components @method, @authority, @path, @query and
// @request-target, and any header field by its lower-case name. Component parameters (;sf, ;key,
// ;bs, ;req, ;name) are refused.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "crypto/ed25519.hpp"
#include "identity/http_signature_replay.hpp"
#include "identity/http_signature_sf.hpp"

namespace pv {

// Orders header names ignoring ASCII case, so a multimap keyed by it finds "Content-Type" under
// "content-type". Equal names keep their insertion order (multimap inserts at the upper bound).
struct HeaderNameLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};
using HeaderMap = std::multimap<std::string, std::string, HeaderNameLess>;

// One HTTP request as the signature sees it; no transport details.
struct HttpRequest {
  std::string method;     // as sent, e.g. "POST" (methods are case-sensitive)
  std::string target;     // origin-form: absolute path and optional "?query"
  std::string authority;  // host[:port] the request is addressed to
  HeaderMap headers;
  Bytes body;
  // Borrowed body bytes, used instead of `body` when set: an upload of several MiB is signed and
  // checked where it lies, not copied (the bytes must outlive this HttpRequest).
  std::optional<ByteView> borrowed_body = std::nullopt;

  // The body the Content-Digest covers: `borrowed_body` if set, else `body`.
  ByteView body_bytes() const { return borrowed_body ? *borrowed_body : ByteView(body); }
};

// All values of header `name`, each trimmed of surrounding spaces and tabs, joined with ", "
// (RFC 9110 field combination); nullopt if the header is absent.
std::optional<std::string> combined_header_value(const HeaderMap& headers, std::string_view name);
// Replaces every value of header `name` by `value`.
void set_header(HeaderMap& headers, std::string_view name, std::string value);

// --- RFC 9530 Content-Digest ---------------------------------------------------------------

// "sha-256=:<base64 of SHA-256(body)>:"
std::string content_digest(ByteView body);
// Parses a Content-Digest field (a dictionary that may list several algorithms) and checks that
// its sha-256 member is present and equals SHA-256(body); other algorithms are ignored.
[[nodiscard]] Status verify_content_digest(std::string_view field, ByteView body);

// --- RFC 9421 signature base and headers ---------------------------------------------------

inline constexpr std::string_view kDefaultSignatureLabel = "sig1";
inline constexpr std::string_view kAlgEd25519 = "ed25519";

// The covered components and signature parameters of one signature: the inner list that is
// both the Signature-Input member and the "@signature-params" line of the signature base.
struct SignatureParams {
  std::vector<std::string> components;  // component identifiers, e.g. "@method", "content-type"
  sf::Parameters params;                // in serialization order: created, keyid, alg, ...
};

// `(...)` followed by its parameters, canonical RFC 8941 serialization.
std::string serialize_signature_params(const SignatureParams& params);

// The signature base (RFC 9421 section 2.5): one `"<component>": <value>` line per covered
// component, in order, then the `"@signature-params"` line; lines joined by LF, no trailing LF.
// Fails if a component is unsupported, repeated, or absent from the request.
[[nodiscard]] Result<std::string> signature_base(const HttpRequest& request,
                                                 const SignatureParams& params);

// Typed view of the parameters RFC 9421 defines; types are checked, unknown ones ignored.
struct SignatureMetadata {
  std::optional<std::int64_t> created;
  std::optional<std::int64_t> expires;
  std::optional<std::string> keyid;
  std::optional<std::string> alg;
  std::optional<std::string> nonce;
  std::optional<std::string> tag;
};
[[nodiscard]] Result<SignatureMetadata> read_signature_metadata(const sf::Parameters& params);

// One signature read from a request's Signature-Input and Signature fields.
struct ParsedSignature {
  std::string label;
  SignatureParams params;
  Signature signature;
};
// Strictly parses both fields and picks the signature labelled `label`; with an empty `label`,
// the only signature present (several signatures then need a label). Never crashes on bad
// input; returns Errc::malformed (or Errc::not_found for a missing label).
[[nodiscard]] Result<ParsedSignature> parse_signature_fields(std::string_view signature_input,
                                                             std::string_view signature,
                                                             std::string_view label);

// --- Signing --------------------------------------------------------------------------------

struct SignOptions {
  std::string keyid;         // the signer's DID URL, e.g. "did:key:z6Mk..." or "did:pv:...#key-1"
  std::int64_t created = 0;  // unix seconds
  std::vector<std::string> components;  // empty: default_covered_components(request)
  std::optional<std::string> nonce;     // makes otherwise identical requests distinct
  std::optional<std::int64_t> expires;  // unix seconds
  std::optional<std::string> tag;       // application tag
  std::string label{kDefaultSignatureLabel};
};

// @method @authority @path [@query] content-digest [content-type]: the optional ones when the
// request has a query string or a Content-Type header.
std::vector<std::string> default_covered_components(const HttpRequest& request);

// Sets Content-Digest from the body, then Signature-Input and Signature (replacing any present).
// Parameters are created, keyid, alg="ed25519", then nonce, expires, tag when given.
[[nodiscard]] Status sign_request(HttpRequest& request, const SigningKey& key,
                                  const SignOptions& options);

// --- Verification ---------------------------------------------------------------------------

// Maps a keyid to the Ed25519 key it names; errors mean "unknown key".
using KeyResolver = std::function<Result<PublicKey>(std::string_view keyid)>;

// Resolver for did:key: accepts "did:key:z6Mk..." and "did:key:z6Mk...#z6Mk..." (the fragment,
// if any, must repeat the method-specific id, as in a did:key document).
[[nodiscard]] Result<PublicKey> resolve_did_key(std::string_view keyid);

struct VerifiedSignature {
  std::string label;
  std::string keyid;
  SignatureParams params;
  SignatureMetadata metadata;
  Signature signature;
};

// The cryptographic check alone (RFC 9421 section 3.2): rebuilds the signature base for the
// chosen signature, resolves its keyid and verifies the Ed25519 signature. Applies no policy:
// no required components, no clock, no digest check, no replay check. Use verify_request.
[[nodiscard]] Result<VerifiedSignature> verify_message_signature(const HttpRequest& request,
                                                                 const KeyResolver& resolve_key,
                                                                 std::string_view label = {});

inline constexpr std::chrono::seconds kDefaultMaxSkew{300};

// PatientVault's policy on top of verify_message_signature (see the header comment). Returns
// the verified keyid. Records the signature in `replay_guard` only once everything else passed.
[[nodiscard]] Result<std::string> verify_request(const HttpRequest& request,
                                                 const KeyResolver& resolve_key,
                                                 std::chrono::system_clock::time_point now,
                                                 ReplayGuard& replay_guard,
                                                 std::chrono::seconds max_skew = kDefaultMaxSkew);

}  // namespace pv
