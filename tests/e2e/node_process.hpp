#pragma once
// A real `pv node start` process on loopback, for end-to-end tests: start, wait until healthy,
// kill -9 or SIGTERM. Other `pv` commands run with process.hpp's run().

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include "process.hpp"

namespace pv::e2e {

// The passphrase NodeProcess gives `pv node start` for the node key (PV_NODE_PASSPHRASE).
inline constexpr const char* kNodePassphrase = "e2e node key passphrase";

class NodeProcess {
 public:
  NodeProcess(std::string data_dir, int port, std::vector<std::string> extra = {})
      : data_dir_(std::move(data_dir)), port_(port), extra_(std::move(extra)) {}
  ~NodeProcess() { kill9(); }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Starts the node and waits until /healthz answers (any status) or the timeout passes.
  bool start(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::vector<std::string> args = {pv_bin(),
                                     "node",
                                     "start",
                                     "--data-dir",
                                     data_dir_,
                                     "--listen",
                                     "127.0.0.1:" + std::to_string(port_)};
    args.insert(args.end(), extra_.begin(), extra_.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    std::string log = data_dir_ + ".log";
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    // The node key is encrypted at rest: supply its passphrase (and the cheap Argon2id cost) the
    // way an operator's service file would, unless the test environment already does.
    std::vector<std::string> env_strings;
    bool has_pass = false, has_kdf = false;
    for (char** e = environ; *e; ++e) {
      std::string entry = *e;
      has_pass = has_pass || entry.rfind("PV_NODE_PASSPHRASE=", 0) == 0;
      has_kdf = has_kdf || entry.rfind("PV_WALLET_KDF=", 0) == 0;
      env_strings.push_back(std::move(entry));
    }
    if (!has_pass) env_strings.push_back("PV_NODE_PASSPHRASE=" + std::string(kNodePassphrase));
    if (!has_kdf) env_strings.push_back("PV_WALLET_KDF=interactive");
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return false;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      httplib::Client c("127.0.0.1", port_);
      c.set_connection_timeout(0, 200000);
      if (auto res = c.Get("/healthz")) return true;
      int status;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  bool healthy() {
    httplib::Client c("127.0.0.1", port_);
    auto res = c.Get("/healthz");
    return res && res->status == 200;
  }

  // SIGKILL: no chance to flush anything.
  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  // SIGTERM and wait; returns the exit code (or -1 if it did not exit normally).
  int terminate() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int status;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  std::string data_dir_;
  int port_;
  std::vector<std::string> extra_;
  pid_t pid_ = -1;
};

}  // namespace pv::e2e
