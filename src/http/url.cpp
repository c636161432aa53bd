#include "http/url.hpp"

#include <cctype>
#include <cstdint>

namespace pv::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> decode_part(std::string_view raw, bool plus_is_space, const std::string& what) {
  auto decoded = percent_decode(raw, plus_is_space);
  if (!decoded)
    return make_error(Errc::invalid_argument, what + ": " + decoded.error().message);
  if (decoded->find('\0') != std::string::npos)
    return make_error(Errc::invalid_argument, what + " contains a NUL byte (%00)");
  if (!is_valid_utf8(*decoded))
    return make_error(Errc::invalid_argument,
                      what + " is not valid UTF-8 once percent-decoded (\"" + printable_excerpt(raw) + "\")");
  return decoded;
}

}  // namespace

std::string printable_excerpt(std::string_view text, std::size_t max) {
  std::string out;
  for (char c : text.substr(0, max)) {
    auto u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f) ? c : '?';
  }
  if (text.size() > max) out += "...";
  return out;
}

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;  // a continuation byte, 0xc0/0xc1 (always overlong) or 0xf5..0xff
    }
    if (n - i < len) return false;
    for (std::size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;  // overlong
    if (cp >= 0xd800 && cp <= 0xdfff) return false;                            // surrogate
    if (cp > 0x10ffff) return false;
    i += len;
  }
  return true;
}

Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (text.size() - i < 3 || hex_value(text[i + 1]) < 0 || hex_value(text[i + 2]) < 0)
        return make_error(Errc::invalid_argument,
                          "'%' must be followed by two hex digits (at \"" +
                              printable_excerpt(text.substr(i, 3)) + "\")");
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

Result<DecodedTarget> decode_target(std::string_view target) {
  // The absolute form ("http://host/path"), which RFC 9112 section 3.2.2 asks servers to
  // accept: the path is what counts (the authority is the Host's business).
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.size() < scheme.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < scheme.size(); ++i)
      same = same && std::tolower(static_cast<unsigned char>(target[i])) == scheme[i];
    if (!same) continue;
    const std::size_t path = target.find_first_of("/?", scheme.size());
    if (path == std::string_view::npos) {
      target = "/";
    } else if (target[path] == '?') {
      return make_error(Errc::invalid_argument, "an absolute request target needs a path");
    } else {
      target = target.substr(path);
    }
    break;
  }
  if (target.empty() || target.front() != '/')
    return make_error(Errc::invalid_argument,
                      "the request target must be a path starting with '/' (origin-form)");
  DecodedTarget out;
  const std::size_t q = target.find('?');
  std::string_view raw_path = target.substr(0, q);
  std::string_view raw_query = q == std::string_view::npos ? "" : target.substr(q + 1);
  // A fragment is never sent by a client; if one is, it is not part of the query.
  if (auto hash = raw_query.find('#'); hash != std::string_view::npos)
    raw_query = raw_query.substr(0, hash);

  std::size_t start = 1;
  while (true) {
    const std::size_t slash = raw_path.find('/', start);
    std::string_view raw = raw_path.substr(start, slash == std::string_view::npos
                                                      ? std::string_view::npos
                                                      : slash - start);
    auto seg = decode_part(raw, false, "the path");
    if (!seg) return seg.error();
    out.path += '/';
    out.path += *seg;
    out.segments.push_back(std::move(*seg));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }

  while (!raw_query.empty()) {
    const std::size_t amp = raw_query.find('&');
    std::string_view pair = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? "" : raw_query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    std::string_view raw_name = pair.substr(0, eq);
    std::string_view raw_value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    auto name = decode_part(raw_name, true, "a query parameter name");
    if (!name) return name.error();
    auto value = decode_part(raw_value, true, "query parameter \"" + printable_excerpt(*name) + "\"");
    if (!value) return value.error();
    out.params.emplace(std::move(*name), std::move(*value));
  }
  return out;
}

}  // namespace pv::http
