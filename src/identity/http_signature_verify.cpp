// Signing requests, resolving did:key ids, and the verification policy.

#include <algorithm>

#include "codec/did_key.hpp"
#include "identity/http_signature.hpp"

namespace pv {
namespace {

constexpr std::string_view kSignatureInputHeader = "Signature-Input";
constexpr std::string_view kSignatureHeader = "Signature";
constexpr std::string_view kContentDigestHeader = "Content-Digest";

Error refuse(std::string why) {
  return make_error(Errc::unauthorized, std::move(why));
}

bool covers(const SignatureParams& params, std::string_view component) {
  return std::find(params.components.begin(), params.components.end(), component) !=
         params.components.end();
}

// Reads the signature from the request's fields; every failure is a refusal.
Result<ParsedSignature> read_signature(const HttpRequest& request, std::string_view label) {
  auto input = combined_header_value(request.headers, kSignatureInputHeader);
  auto value = combined_header_value(request.headers, kSignatureHeader);
  if (!input && !value) return refuse("missing signature: no Signature-Input or Signature header");
  if (!input) return refuse("missing signature: no Signature-Input header");
  if (!value) return refuse("missing signature: no Signature header");
  auto parsed = parse_signature_fields(*input, *value, label);
  if (!parsed) return refuse("malformed signature headers: " + parsed.error().message);
  return parsed;
}

// Rebuilds the base, resolves the key and checks the Ed25519 signature.
Result<VerifiedSignature> check_signature(const HttpRequest& request, ParsedSignature parsed,
                                          SignatureMetadata metadata,
                                          const KeyResolver& resolve_key) {
  if (metadata.alg && *metadata.alg != kAlgEd25519)
    return refuse("unsupported alg \"" + *metadata.alg + "\" (only ed25519)");
  if (!metadata.keyid) return refuse("missing keyid parameter");
  auto base = signature_base(request, parsed.params);
  if (!base) return refuse("cannot build the signature base: " + base.error().message);
  auto key = resolve_key(*metadata.keyid);
  if (!key) return refuse("unknown key " + *metadata.keyid + ": " + key.error().message);
  if (!ed25519_verify(*key, as_bytes(*base), parsed.signature))
    return refuse("bad signature: it does not verify under the key of " + *metadata.keyid);
  VerifiedSignature out;
  out.label = std::move(parsed.label);
  out.keyid = *metadata.keyid;
  out.params = std::move(parsed.params);
  out.metadata = std::move(metadata);
  out.signature = parsed.signature;
  return out;
}

}  // namespace

std::vector<std::string> default_covered_components(const HttpRequest& request) {
  std::vector<std::string> out = {"@method", "@authority", "@path"};
  if (request.target.find('?') != std::string::npos) out.emplace_back("@query");
  out.emplace_back("content-digest");
  if (request.headers.contains("content-type")) out.emplace_back("content-type");
  return out;
}

Status sign_request(HttpRequest& request, const SigningKey& key, const SignOptions& options) {
  if (!sf::is_valid_key(options.label))
    return make_error(Errc::invalid_argument, "signature label is not a structured-field key");
  for (const auto* text : {&options.keyid, options.nonce ? &*options.nonce : nullptr,
                           options.tag ? &*options.tag : nullptr}) {
    if (text != nullptr && !sf::is_valid_string(*text))
      return make_error(Errc::invalid_argument, "keyid, nonce and tag must be printable ASCII");
  }
  if (options.keyid.empty()) return make_error(Errc::invalid_argument, "keyid is empty");
  for (std::int64_t t : {options.created, options.expires.value_or(0)}) {
    if (t < 0 || t > sf::kMaxInteger)
      return make_error(Errc::invalid_argument, "created/expires out of range");
  }

  set_header(request.headers, kContentDigestHeader, content_digest(request.body_bytes()));
  SignatureParams params;
  params.components =
      options.components.empty() ? default_covered_components(request) : options.components;
  params.params = {
      {"created", options.created}, {"keyid", options.keyid}, {"alg", std::string(kAlgEd25519)}};
  if (options.nonce) params.params.emplace_back("nonce", *options.nonce);
  if (options.expires) params.params.emplace_back("expires", *options.expires);
  if (options.tag) params.params.emplace_back("tag", *options.tag);

  auto base = signature_base(request, params);
  if (!base) return base.error();
  const Signature sig = key.sign(as_bytes(*base));
  const Bytes sig_bytes(sig.bytes.begin(), sig.bytes.end());
  set_header(request.headers, kSignatureInputHeader,
             options.label + "=" + serialize_signature_params(params));
  set_header(request.headers, kSignatureHeader,
             options.label + "=" + sf::serialize_bare_item(sig_bytes));
  return Status::ok();
}

Result<PublicKey> resolve_did_key(std::string_view keyid) {
  const auto hash = keyid.find('#');
  const std::string_view did = keyid.substr(0, hash);
  if (hash != std::string_view::npos) {
    constexpr std::string_view kPrefix = "did:key:";
    const std::string_view fragment = keyid.substr(hash + 1);
    if (did.size() <= kPrefix.size() || did.substr(kPrefix.size()) != fragment)
      return make_error(Errc::not_found, "did:key fragment must repeat the key");
  }
  return public_key_from_did_key(did);
}

Result<VerifiedSignature> verify_message_signature(const HttpRequest& request,
                                                   const KeyResolver& resolve_key,
                                                   std::string_view label) {
  auto parsed = read_signature(request, label);
  if (!parsed) return parsed.error();
  auto metadata = read_signature_metadata(parsed->params.params);
  if (!metadata) return refuse("malformed signature parameters: " + metadata.error().message);
  return check_signature(request, std::move(*parsed), std::move(*metadata), resolve_key);
}

Result<std::string> verify_request(const HttpRequest& request, const KeyResolver& resolve_key,
                                   std::chrono::system_clock::time_point now,
                                   ReplayGuard& replay_guard, std::chrono::seconds max_skew) {
  auto parsed = read_signature(request, {});
  if (!parsed) return parsed.error();
  auto metadata = read_signature_metadata(parsed->params.params);
  if (!metadata) return refuse("malformed signature parameters: " + metadata.error().message);

  // Required coverage: what a request means (method, path, query, body) must be signed.
  for (std::string_view required : {"@method", "@path", "content-digest"}) {
    if (!covers(parsed->params, required))
      return refuse("missing required component " + std::string(required));
  }
  if (request.target.find('?') != std::string::npos && !covers(parsed->params, "@query"))
    return refuse("missing required component @query (the target has a query string)");
  if (!metadata->created) return refuse("missing required parameter created");

  // Freshness: created within max_skew of now, either way; expires, if any, not passed.
  const std::int64_t now_s =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const std::int64_t skew = max_skew.count();
  const std::int64_t created = *metadata->created;
  if (created > now_s + skew)
    return refuse("created is " + std::to_string(created - now_s) +
                  " s in the future, beyond the allowed skew of " + std::to_string(skew) + " s");
  if (created < now_s - skew)
    return refuse("stale signature: created " + std::to_string(now_s - created) +
                  " s ago, beyond the allowed skew of " + std::to_string(skew) + " s");
  if (metadata->expires && *metadata->expires < now_s) return refuse("signature expired");

  auto digest = combined_header_value(request.headers, kContentDigestHeader);
  if (!digest) return refuse("missing Content-Digest header");
  if (auto st = verify_content_digest(*digest, request.body_bytes()); !st)
    return refuse("content-digest mismatch: " + st.error().message);

  const std::int64_t forget_after = created + skew;
  auto verified = check_signature(request, std::move(*parsed), std::move(*metadata), resolve_key);
  if (!verified) return verified.error();
  // Only a signature that verified is remembered, so forgeries cannot fill the guard.
  if (auto st = replay_guard.check_and_remember(verified->signature, forget_after, now_s); !st)
    return st.error();
  return std::move(verified->keyid);
}

}  // namespace pv
