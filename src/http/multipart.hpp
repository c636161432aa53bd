#pragma once
// A streaming multipart/form-data decoder (RFC 7578, RFC 2046 section 5.1): fed the body in
// pieces of any size, it reports each part's headers and then its bytes, holding back only as
// many bytes as the delimiter is long. Malformed input is an error, never a crash or an
// unbounded buffer (part headers are limited to kMaxPartHeaderBytes).

#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "http/message.hpp"

namespace pv::http {

// The boundary parameter of a multipart/form-data Content-Type; nullopt when the type is not
// multipart/form-data or the boundary is missing or longer than RFC 2046 allows (70).
std::optional<std::string> multipart_boundary(std::string_view content_type);

class MultipartDecoder {
 public:
  static constexpr std::size_t kMaxPartHeaderBytes = 16 * 1024;

  MultipartDecoder(std::string boundary, ContentReader::PartCallback on_part,
                   ContentReader::DataCallback on_data);

  // Errc::invalid_argument for malformed input or when a callback returned false (stopped()).
  [[nodiscard]] Status feed(std::string_view data);
  // Ok only when the closing delimiter was seen.
  [[nodiscard]] Status finish() const;
  bool stopped() const { return stopped_; }

 private:
  enum class State { preamble, after_delimiter, headers, data, done };
  [[nodiscard]] Status step(bool& progressed);
  [[nodiscard]] Status start_part(std::string_view header_block);

  std::string delimiter_;  // "\r\n--" + boundary
  ContentReader::PartCallback on_part_;
  ContentReader::DataCallback on_data_;
  State state_ = State::preamble;
  std::string pending_;
  bool stopped_ = false;
};

}  // namespace pv::http
