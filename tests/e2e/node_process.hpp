#pragma once
// A real `pv node start` process on loopback, for end-to-end tests: start, wait until healthy,
// kill -9 or SIGTERM, and run other `pv` commands.

#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace pv::e2e {

inline std::string pv_binary() {
  const char* bin = std::getenv("PV_BIN");
  return bin ? bin : "pv";
}

// A TCP port that was free a moment ago.
inline int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

// Runs a command to completion; returns its exit code and stdout.
struct CommandResult {
  int exit_code = -1;
  std::string out;
};
inline CommandResult run_command(const std::string& command_line) {
  CommandResult r;
  FILE* p = ::popen(command_line.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

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
    std::vector<std::string> args = {pv_binary(),
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
    int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
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
