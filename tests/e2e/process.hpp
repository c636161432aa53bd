#pragma once
// Helpers for end-to-end tests that run the real `pv` binary: spawn a process with posix_spawn,
// capture its stdout and stderr (in files, so a chatty child never blocks on a full pipe), send
// it signals, wait for it with a deadline. Header-only; every e2e test may include it.

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace pv::e2e {

// Path of the pv binary under test (CTest sets PV_BIN).
inline std::string pv_bin() {
  const char* bin = std::getenv("PV_BIN");
  return bin && *bin ? bin : "pv";
}

// A fresh directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pv-e2e-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(TempDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

struct ProcessExit {
  bool exited = false;  // false: killed by a signal, or still running at the deadline
  int code = -1;        // exit status when `exited`
  int signal = 0;       // terminating signal otherwise
  bool timed_out = false;
};

// A child process with captured output. The destructor kills (SIGKILL) a child still running.
class Process {
 public:
  // `env` entries ("NAME=value") are added to (and override) this process's environment.
  static Process spawn(const std::vector<std::string>& argv,
                       const std::vector<std::string>& env = {}) {
    Process p;
    p.out_path_ = p.dir_ / "stdout";
    p.err_path_ = p.dir_ / "stderr";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, p.out_path_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, p.err_path_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<std::string> env_strings = merged_environment(env);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    int rc = posix_spawnp(&p.pid_, argv.at(0).c_str(), &actions, nullptr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
      throw std::runtime_error("posix_spawn " + argv[0] + " failed: " + std::to_string(rc));
    return p;
  }

  Process(Process&& o) noexcept
      : dir_(std::move(o.dir_)), out_path_(o.out_path_), err_path_(o.err_path_), pid_(o.pid_) {
    o.pid_ = -1;
  }
  Process& operator=(Process&&) = delete;
  ~Process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }

  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  void signal(int sig) const {
    if (pid_ > 0) ::kill(pid_, sig);
  }
  // What the child wrote so far.
  std::string out() const { return read_text_file(out_path_); }
  std::string err() const { return read_text_file(err_path_); }

  // Waits until the child ends or `timeout` passes (then kills it with SIGKILL).
  ProcessExit wait(std::chrono::milliseconds timeout) {
    ProcessExit result;
    if (pid_ <= 0) return result;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    for (;;) {
      pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_) break;
      if (std::chrono::steady_clock::now() >= deadline) {
        result.timed_out = true;
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
    if (WIFEXITED(status)) {
      result.exited = !result.timed_out;
      result.code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      result.signal = WTERMSIG(status);
    }
    return result;
  }

 private:
  Process() = default;

  static std::vector<std::string> merged_environment(const std::vector<std::string>& extra) {
    std::vector<std::string> out;
    for (char** e = environ; *e; ++e) {
      std::string entry = *e;
      std::string name = entry.substr(0, entry.find('='));
      bool overridden = false;
      for (const auto& x : extra)
        if (x.substr(0, x.find('=')) == name) overridden = true;
      if (!overridden) out.push_back(entry);
    }
    out.insert(out.end(), extra.begin(), extra.end());
    return out;
  }

  TempDir dir_;
  std::string out_path_, err_path_;
  pid_t pid_ = -1;
};

// Runs a command to completion.
struct Completed {
  ProcessExit exit;
  std::string out, err;
  bool ok() const { return exit.exited && exit.code == 0; }
};

inline Completed run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                     std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  Process p = Process::spawn(argv, env);
  Completed c;
  c.exit = p.wait(timeout);
  c.out = p.out();
  c.err = p.err();
  return c;
}

// Whether a listening socket could bind 127.0.0.1:`port` (0: the kernel picks); the port bound.
inline int try_bind_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  socklen_t len = sizeof addr;
  int bound = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    bound = ntohs(addr.sin_port);
  ::close(fd);
  return bound;
}

// A TCP port that was free a moment ago on 127.0.0.1, chosen at random below the kernel's
// ephemeral range (/proc/sys/net/ipv4/ip_local_port_range). A port from bind(0) lies inside
// that range, where the outgoing connection of any process can take it before the server that
// was meant to listen there starts (a cluster test failed that way: "cannot listen on
// 127.0.0.1:47085 (address in use)", with etcd and nodes connecting all around it).
inline int free_port() {
  int ephemeral_low = 32768;
  std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> ephemeral_low;
  constexpr int kLowest = 10000;
  if (ephemeral_low > kLowest + 1000) {
    static std::mt19937 rng(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
    std::uniform_int_distribution<int> pick(kLowest, ephemeral_low - 1);
    for (int attempt = 0; attempt < 100; ++attempt)
      if (int port = try_bind_loopback(pick(rng)); port != 0) return port;
  }
  return try_bind_loopback(0);
}

// Polls GET `path` until it answers 200 or `timeout` passes.
inline bool wait_for_http_ok(int port, const std::string& path, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(std::chrono::milliseconds(200));
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = client.Get(path.c_str());
    if (r && r->status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace pv::e2e
