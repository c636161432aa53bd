#pragma once
// Decoding a request-target (RFC 3986): the path's segments and the query's parameters,
// percent-decoded and checked to be valid UTF-8, so that nothing a route echoes into JSON or a
// log line can be malformed. Every error names the part that is wrong.

#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "http/message.hpp"

namespace pv::http {

// At most `max` characters of `text`, anything but printable ASCII replaced by '?' and "..."
// after a cut: for echoing request input in an error message or a log line.
std::string printable_excerpt(std::string_view text, std::size_t max = 40);

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points above
// U+10FFFF; RFC 3629).
[[nodiscard]] bool is_valid_utf8(std::string_view text);

// Decodes %XX escapes; with `plus_is_space` (query strings) '+' becomes ' '. A '%' not followed
// by two hex digits is an error.
[[nodiscard]] Result<std::string> percent_decode(std::string_view text, bool plus_is_space);

struct DecodedTarget {
  std::string path;                   // decoded
  std::vector<std::string> segments;  // the path split on '/', each decoded (empty ones kept)
  Params params;
};

// Splits an origin-form target ("/a/b?x=1&y") into its decoded path, segments and parameters.
// Errors (Errc::invalid_argument) say which part is malformed: a target not starting with '/',
// a bad escape, a NUL, or text that is not UTF-8 once decoded.
[[nodiscard]] Result<DecodedTarget> decode_target(std::string_view target);

}  // namespace pv::http
