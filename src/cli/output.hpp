#pragma once
// How commands print: a human-readable text on stdout, or with --json one JSON document. Errors
// are one line on stderr that says what went wrong and what to do next; the exit code is then
// non-zero.

#include <nlohmann/json.hpp>
#include <string>

#include "base/result.hpp"

namespace pv::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and the answer is "no" or an error
inline constexpr int kExitUsage = 2;    // bad flags or arguments

class Output {
 public:
  explicit Output(bool json) : json_(json) {}
  bool json() const { return json_; }

  // Prints `doc` with --json, else `human` (a trailing newline is added when missing).
  void result(const nlohmann::json& doc, const std::string& human) const;
  // A line of progress for humans (stderr, so stdout stays machine-readable). Silent with --json.
  void note(const std::string& line) const;
  // Prints the error (and a hint about what to do next, when given) and returns kExitFailure.
  int fail(const Error& error, const std::string& hint = {}) const;
  int fail(const std::string& message, const std::string& hint = {}) const;

 private:
  bool json_;
};

}  // namespace pv::cli
