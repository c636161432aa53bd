#pragma once
// Internal to the record/consent/access codecs: the payload version and checked text fields.

#include <string_view>

#include "codec/binary.hpp"

namespace pv {

inline constexpr std::uint8_t kConsentPayloadVersion = 1;

[[nodiscard]] Status read_payload_version(BinaryReader& r);
// A text field of at most `max` bytes that `check` accepts.
[[nodiscard]] Result<std::string> read_checked(BinaryReader& r, std::size_t max, const char* what,
                                               Status (*check)(std::string_view));
[[nodiscard]] Status check_media_type(std::string_view media_type);

}  // namespace pv
