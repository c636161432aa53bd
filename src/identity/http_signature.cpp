// Headers, Content-Digest, signature base and the Signature-Input / Signature fields.
// Signing and verification policy are in http_signature_verify.cpp.

#include "identity/http_signature.hpp"

#include <algorithm>
#include <set>

#include "crypto/sha256.hpp"

namespace pv {
namespace {

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Error malformed(std::string what) {
  return make_error(Errc::malformed, std::move(what));
}

// A line of the signature base must be one line: no CR, LF or NUL can reach it.
bool is_single_line(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

struct SplitTarget {
  std::string_view path;
  std::optional<std::string_view> query;  // without the '?'
};

Result<SplitTarget> split_target(std::string_view target) {
  if (target.empty() || target.front() != '/')
    return malformed("request target must be an absolute path");
  const auto q = target.find('?');
  if (q == std::string_view::npos) return SplitTarget{target, std::nullopt};
  return SplitTarget{target.substr(0, q), target.substr(q + 1)};
}

// The value of one covered component, per RFC 9421 sections 2.1 and 2.2.
Result<std::string> component_value(const HttpRequest& request, std::string_view name) {
  if (name == "@method") return request.method;
  if (name == "@authority") {
    if (request.authority.empty()) return malformed("request has no authority");
    return to_lower(request.authority);
  }
  if (name == "@request-target") return request.target;
  if (name == "@path" || name == "@query") {
    auto split = split_target(request.target);
    if (!split) return split.error();
    if (name == "@path") return std::string(split->path);
    // An absent query is "?" alone (RFC 9421 section 2.2.7).
    return "?" + std::string(split->query.value_or(""));
  }
  if (!name.empty() && name.front() == '@')
    return malformed("unsupported derived component " + std::string(name));
  auto value = combined_header_value(request.headers, name);
  if (!value) return malformed("covered header " + std::string(name) + " is absent");
  return std::move(*value);
}

bool is_lower_case_name(std::string_view name) {
  return !name.empty() && std::none_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || c == '"' || c == '\\' || c < 0x21 || c > 0x7e;
  });
}

}  // namespace

bool HeaderNameLess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return lower(x) < lower(y); });
}

std::optional<std::string> combined_header_value(const HeaderMap& headers, std::string_view name) {
  auto [first, last] = headers.equal_range(name);
  if (first == last) return std::nullopt;
  std::string out;
  for (auto it = first; it != last; ++it) {
    if (it != first) out += ", ";
    out += trim(it->second);
  }
  return out;
}

void set_header(HeaderMap& headers, std::string_view name, std::string value) {
  auto [first, last] = headers.equal_range(name);
  headers.erase(first, last);
  headers.emplace(std::string(name), std::move(value));
}

std::string content_digest(ByteView body) {
  return "sha-256=:" + to_base64(sha256(body).view()) + ":";
}

Status verify_content_digest(std::string_view field, ByteView body) {
  auto dict = sf::parse_dictionary(field);
  if (!dict) return make_error(Errc::malformed, "Content-Digest: " + dict.error().message);
  const sf::Member* member = sf::find_member(*dict, "sha-256");
  if (member == nullptr) return make_error(Errc::invalid_argument, "Content-Digest has no sha-256");
  const auto* item = std::get_if<sf::Item>(member);
  const Bytes* digest = item != nullptr ? std::get_if<Bytes>(&item->value) : nullptr;
  if (digest == nullptr || digest->size() != Hash32::size())
    return make_error(Errc::malformed, "Content-Digest sha-256 is not a 32-byte byte sequence");
  const Hash32 actual = sha256(body);
  if (!std::equal(digest->begin(), digest->end(), actual.bytes.begin()))
    return make_error(Errc::invalid_argument, "the body does not match Content-Digest sha-256");
  return Status::ok();
}

std::string serialize_signature_params(const SignatureParams& params) {
  sf::InnerList list;
  list.items.reserve(params.components.size());
  for (const auto& component : params.components) list.items.push_back({component, {}});
  list.params = params.params;
  return sf::serialize_inner_list(list);
}

Result<std::string> signature_base(const HttpRequest& request, const SignatureParams& params) {
  std::string base;
  std::set<std::string_view> seen;
  for (const auto& name : params.components) {
    if (!is_lower_case_name(name))
      return malformed("component name \"" + name + "\" is not a lower-case field name");
    if (name == "@signature-params") return malformed("@signature-params cannot be covered");
    if (!seen.insert(name).second) return malformed("component " + name + " is covered twice");
    auto value = component_value(request, name);
    if (!value) return value.error();
    if (!is_single_line(*value)) return malformed("component " + name + " spans several lines");
    base += "\"" + name + "\": " + *value + "\n";
  }
  base += "\"@signature-params\": " + serialize_signature_params(params);
  return base;
}

Result<SignatureMetadata> read_signature_metadata(const sf::Parameters& params) {
  SignatureMetadata meta;
  for (const auto& [name, value] : params) {
    const bool is_integer = name == "created" || name == "expires";
    const bool is_string = name == "keyid" || name == "alg" || name == "nonce" || name == "tag";
    if (is_integer) {
      const auto* v = std::get_if<std::int64_t>(&value);
      if (v == nullptr) return malformed("signature parameter " + name + " must be an integer");
      (name == "created" ? meta.created : meta.expires) = *v;
    } else if (is_string) {
      const auto* v = std::get_if<std::string>(&value);
      if (v == nullptr) return malformed("signature parameter " + name + " must be a string");
      if (name == "keyid") meta.keyid = *v;
      if (name == "alg") meta.alg = *v;
      if (name == "nonce") meta.nonce = *v;
      if (name == "tag") meta.tag = *v;
    }
  }
  return meta;
}

Result<ParsedSignature> parse_signature_fields(std::string_view signature_input,
                                               std::string_view signature, std::string_view label) {
  auto inputs = sf::parse_dictionary(signature_input);
  if (!inputs) return malformed("Signature-Input: " + inputs.error().message);
  auto signatures = sf::parse_dictionary(signature);
  if (!signatures) return malformed("Signature: " + signatures.error().message);

  std::string chosen(label);
  if (chosen.empty()) {
    if (inputs->size() != 1)
      return malformed("Signature-Input has several signatures and no label was chosen");
    chosen = inputs->front().first;
  }
  const sf::Member* input = sf::find_member(*inputs, chosen);
  if (input == nullptr)
    return make_error(Errc::not_found, "Signature-Input has no signature labelled " + chosen);
  const sf::Member* value = sf::find_member(*signatures, chosen);
  if (value == nullptr)
    return make_error(Errc::not_found, "Signature has no signature labelled " + chosen);

  const auto* list = std::get_if<sf::InnerList>(input);
  if (list == nullptr)
    return malformed("Signature-Input member " + chosen + " is not an inner list");
  ParsedSignature out;
  out.label = chosen;
  out.params.params = list->params;
  for (const auto& item : list->items) {
    const auto* name = std::get_if<std::string>(&item.value);
    if (name == nullptr) return malformed("a covered component is not a string");
    if (!item.params.empty())
      return malformed("component parameters are not supported (" + *name + ")");
    out.params.components.push_back(*name);
  }

  const auto* item = std::get_if<sf::Item>(value);
  const Bytes* raw = item != nullptr ? std::get_if<Bytes>(&item->value) : nullptr;
  if (raw == nullptr) return malformed("Signature member " + chosen + " is not a byte sequence");
  auto sig = Signature::from(*raw);
  if (!sig) return malformed("Signature member " + chosen + " is not 64 bytes");
  out.signature = *sig;
  return out;
}

}  // namespace pv
