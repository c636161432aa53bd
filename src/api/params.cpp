#include "api/params.hpp"

namespace pv::api {
namespace {

bool is_did_method_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool is_did_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_' || c == ':' || c == '%';
}

}  // namespace

Result<std::uint64_t> parse_decimal(const std::string& text, const char* what) {
  auto bad = [&] {
    return make_error(Errc::invalid_argument,
                      std::string(what) + " must be a decimal unsigned integer, got \"" +
                          printable_excerpt(text) + "\"");
  };
  if (text.empty() || text.size() > 20) return bad();
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return bad();
    auto digit = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return bad();
    v = v * 10 + digit;
  }
  return v;
}

Result<TxId> parse_tx_id(const std::string& text) {
  auto id = TxId::from_hex(text);
  if (!id)
    return make_error(Errc::invalid_argument,
                      "transaction id must be 64 hex characters (SHA-256 of the signed encoding)");
  return *id;
}

Result<content::Cid> parse_cid_argument(std::string text) {
  if (text.rfind("/ipfs/", 0) == 0) text = text.substr(6);
  if (text.empty())
    return make_error(Errc::invalid_argument, "a CID is required (e.g. bafkrei... or Qm...)");
  auto cid = content::Cid::parse(text);
  if (!cid)
    return make_error(Errc::invalid_argument,
                      "\"" + printable_excerpt(text, 80) + "\" is not a CID: " + cid.error().message);
  return *cid;
}

Result<std::string> parse_did(const std::string& text, const char* what) {
  auto bad = [&](const std::string& why) {
    return make_error(Errc::invalid_argument, std::string(what) + " \"" + printable_excerpt(text) +
                                                  "\" is not a DID: " + why +
                                                  " (e.g. did:key:z6Mk... or did:pv:...)");
  };
  if (text.size() > 512) return bad("longer than 512 characters");
  if (text.rfind("did:", 0) != 0) return bad("it must start with \"did:\"");
  const std::size_t colon = text.find(':', 4);
  if (colon == std::string::npos || colon == 4) return bad("the method name is missing");
  for (std::size_t i = 4; i < colon; ++i)
    if (!is_did_method_char(text[i])) return bad("the method name is lowercase letters and digits");
  if (colon + 1 >= text.size() || text.back() == ':') return bad("the method-specific id is empty");
  for (std::size_t i = colon + 1; i < text.size(); ++i)
    if (!is_did_id_char(text[i])) return bad("it has a character DID syntax does not allow");
  return text;
}

}  // namespace pv::api
