#pragma once
// Times as people and JSON documents read them.

#include <cstdint>
#include <string>

namespace pv {

// "2026-11-23T12:00:00Z" (RFC 3339, UTC, whole seconds) for Unix milliseconds.
std::string rfc3339_from_ms(std::uint64_t ms);

}  // namespace pv
