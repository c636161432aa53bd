#pragma once
// The clock of cosignatures (ledger/cosignature.hpp): POSIX seconds, as their timestamps carry it.

#include <chrono>
#include <cstdint>

namespace pv {

inline std::uint64_t cosignature_time_now() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace pv
