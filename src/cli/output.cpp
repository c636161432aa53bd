#include "cli/output.hpp"

#include <cstdio>

namespace pv::cli {

void Output::result(const nlohmann::json& doc, const std::string& human) const {
  std::string text = json_ ? doc.dump() : human;
  if (text.empty() || text.back() != '\n') text += '\n';
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
}

void Output::note(const std::string& line) const {
  if (json_) return;
  std::fprintf(stderr, "%s\n", line.c_str());
}

int Output::fail(const Error& error, const std::string& hint) const {
  std::string line = error.message;
  if (!hint.empty()) line += "; " + hint;
  if (json_) {
    nlohmann::json doc{{"error", line}, {"code", errc_name(error.code)}};
    std::fprintf(stderr, "%s\n", doc.dump().c_str());
  } else {
    std::fprintf(stderr, "pv: error: %s\n", line.c_str());
  }
  return kExitFailure;
}

int Output::fail(const std::string& message, const std::string& hint) const {
  return fail(make_error(Errc::invalid_argument, message), hint);
}

}  // namespace pv::cli
