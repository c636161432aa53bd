#include "codec/strict_json.hpp"

#include <set>
#include <string>
#include <vector>

namespace pv {

using nlohmann::json;

Result<json> parse_json_strict(std::string_view text) {
  // One set of member names per open object; a repeated name fails the parse.
  std::vector<std::set<std::string>> open_objects;
  bool duplicate = false;
  json::parser_callback_t track = [&](int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        open_objects.emplace_back();
        break;
      case json::parse_event_t::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      case json::parse_event_t::key:
        if (!open_objects.empty() && parsed.is_string() &&
            !open_objects.back().insert(parsed.get_ref<const std::string&>()).second)
          duplicate = true;
        break;
      default:
        break;
    }
    return true;
  };
  json value;
  try {
    value = json::parse(text.begin(), text.end(), track, /*allow_exceptions=*/false,
                        /*ignore_comments=*/false);
  } catch (...) {  // allow_exceptions=false covers parse errors; this guards allocation failure
    return make_error(Errc::malformed, "JSON could not be parsed");
  }
  if (value.is_discarded()) return make_error(Errc::malformed, "not valid JSON");
  if (duplicate) return make_error(Errc::malformed, "JSON object repeats a member name");
  return value;
}

}  // namespace pv
