#include "base/result.hpp"

namespace pv {

const char* errc_name(Errc code) {
  switch (code) {
    case Errc::invalid_argument: return "invalid-argument";
    case Errc::malformed: return "malformed";
    case Errc::non_canonical: return "non-canonical";
    case Errc::too_large: return "too-large";
    case Errc::bad_signature: return "bad-signature";
    case Errc::unauthorized: return "unauthorized";
    case Errc::forbidden: return "forbidden";
    case Errc::not_found: return "not-found";
    case Errc::conflict: return "conflict";
    case Errc::unavailable: return "unavailable";
    case Errc::corruption: return "corruption";
    case Errc::io: return "io";
    case Errc::internal: return "internal";
  }
  return "internal";
}

}  // namespace pv
