#include "cli/solc_build.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

extern char** environ;

namespace pv::cli {
namespace {

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs argv with stdout and stderr into `log`; the exit status, or -1 when it cannot start.
int run(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

Result<Bytes> hex_field(const nlohmann::json& j, const char* name) {
  if (!j.contains(name) || !j[name].is_string())
    return make_error(Errc::malformed,
                      std::string("the compiler's output has no \"") + name + "\"");
  return from_hex(j[name].get<std::string>());
}

}  // namespace

std::string contracts_dir() {
  if (const char* dir = std::getenv("PV_CONTRACTS_DIR"); dir && *dir) return dir;
  return PV_CONTRACTS_DIR;
}

Result<CompiledContract> compile_contract(const std::string& source_path,
                                          const std::string& settings_path,
                                          const std::string& contract) {
  namespace fs = std::filesystem;
  for (const auto& p : {source_path, settings_path})
    if (!fs::is_regular_file(p)) return make_error(Errc::not_found, "cannot read " + p);
  const fs::path script = fs::path(contracts_dir()) / "compile.mjs";
  if (!fs::is_regular_file(script))
    return make_error(Errc::not_found,
                      "no " + script.string() +
                          "; set PV_CONTRACTS_DIR to the contracts/ directory of the source tree");
  std::error_code ec;
  fs::path dir = fs::temp_directory_path(ec) / ("pv-solc-" + std::to_string(::getpid()));
  fs::create_directories(dir, ec);
  if (ec) return make_error(Errc::io, "cannot create " + dir.string() + ": " + ec.message());
  const fs::path out = dir / "out.json", log = dir / "log.txt";
  int status = run({"node", script.string(), "--source", source_path, "--settings", settings_path,
                    "--contract", contract, "--json", out.string()},
                   log);
  std::string log_text = read_all(log);
  std::string out_text = status == 0 ? read_all(out) : std::string();
  fs::remove_all(dir, ec);
  if (status < 0)
    return make_error(Errc::unavailable,
                      "cannot run node (Node.js); install it with scripts/deps.sh");
  if (status != 0)
    return make_error(Errc::invalid_argument,
                      "the compiler refused " + source_path + ":\n" + log_text);
  auto j = nlohmann::json::parse(out_text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("compiler") || !j["compiler"].is_string())
    return make_error(Errc::malformed, "the compiler's output is not the expected JSON");
  CompiledContract c;
  c.compiler = j["compiler"].get<std::string>();
  auto init = hex_field(j, "init");
  if (!init) return init.error();
  auto runtime = hex_field(j, "runtime");
  if (!runtime) return runtime.error();
  c.init_code = std::move(*init);
  c.runtime_code = std::move(*runtime);
  c.runtime_hash = evm::keccak256(c.runtime_code);
  return c;
}

}  // namespace pv::cli
