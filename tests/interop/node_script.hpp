#pragma once
// Runs a Node.js script of tests/interop (independent implementations from npm, pinned in
// tests/interop/package.json) and captures its stdout and exit code.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#ifndef PV_SOURCE_DIR
#error "PV_SOURCE_DIR must name the source tree (set in CMakeLists.txt)"
#endif

namespace pv::testing {

inline const std::filesystem::path kInteropDir =
    std::filesystem::path(PV_SOURCE_DIR) / "tests" / "interop";

struct ScriptOutput {
  int exit_code = -1;
  std::string out;
};

// Arguments are single-quoted; callers pass only hex, base64url, DIDs and plain words.
inline std::string shell_quote(const std::string& arg) {
  return "'" + arg + "'";
}

inline ScriptOutput run_node_script(const std::string& script, const std::string& args) {
  ScriptOutput r;
  const std::string command =
      "node " + shell_quote((kInteropDir / script).string()) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Fails (never skips) when Node or the pinned packages are missing.
inline void require_interop_tools(const char* package) {
  ASSERT_EQ(std::system("command -v node >/dev/null 2>&1"), 0)
      << "node is not installed; run scripts/deps.sh";
  ASSERT_TRUE(std::filesystem::exists(kInteropDir / "node_modules" / package / "package.json"))
      << package << " is missing from " << kInteropDir / "node_modules"
      << "; run scripts/deps.sh";
}

}  // namespace pv::testing
