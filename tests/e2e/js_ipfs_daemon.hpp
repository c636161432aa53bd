#pragma once
// A real js-ipfs daemon (ipfs-core + ipfs-http-server from npm, pinned in
// tests/interop/js-ipfs; an IPFS implementation independent of PatientVault) serving the Kubo
// RPC API offline on 127.0.0.1, with a fresh repository under the caller's directory. Started
// by tests/interop/js-ipfs/daemon.mjs; stopped by its PID (SIGTERM, SIGKILL if it lingers).

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <optional>
#include <string>

#include "process.hpp"

#ifndef PV_SOURCE_DIR
#error "PV_SOURCE_DIR must name the source tree (set in CMakeLists.txt)"
#endif

namespace pv::e2e {

inline const std::filesystem::path kJsIpfsDir =
    std::filesystem::path(PV_SOURCE_DIR) / "tests" / "interop" / "js-ipfs";

class JsIpfsDaemon {
 public:
  explicit JsIpfsDaemon(std::filesystem::path repo) : repo_(std::move(repo)) {}
  ~JsIpfsDaemon() { stop(); }

  // Fails (never skips) when Node or the pinned packages are missing; waits until
  // /api/v0/version answers (the repository is created and the API listens).
  [[nodiscard]] ::testing::AssertionResult start() {
    if (std::system("command -v node >/dev/null 2>&1") != 0)
      return ::testing::AssertionFailure() << "node is not installed; run scripts/deps.sh";
    if (!std::filesystem::exists(kJsIpfsDir / "node_modules" / "ipfs-core" / "package.json"))
      return ::testing::AssertionFailure()
             << "js-ipfs is missing from " << kJsIpfsDir << "; run scripts/deps.sh";
    port_ = free_port();
    process_.emplace(Process::spawn(
        {"node", (kJsIpfsDir / "daemon.mjs").string(), repo_.string(), std::to_string(port_)}));
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(std::chrono::milliseconds(200));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = client.Post("/api/v0/version", "", "application/octet-stream");
      if (r && r->status == 200) return ::testing::AssertionSuccess();
      siginfo_t info{};  // WNOWAIT: look without reaping, so the PID stays ours to wait for
      if (::waitid(P_PID, static_cast<id_t>(process_->pid()), &info, WEXITED | WNOHANG | WNOWAIT) ==
              0 &&
          info.si_pid != 0)
        return ::testing::AssertionFailure() << "js-ipfs exited: " << process_->err();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return ::testing::AssertionFailure()
           << "js-ipfs did not answer /api/v0/version within 60 s: " << process_->err();
  }

  void stop() {
    if (!process_) return;
    process_->signal(SIGTERM);
    process_->wait(std::chrono::seconds(10));  // SIGKILL after that
    process_.reset();
  }

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::filesystem::path& repo() const { return repo_; }
  std::string log() const { return process_ ? process_->err() : std::string(); }

 private:
  std::filesystem::path repo_;
  int port_ = 0;
  std::optional<Process> process_;
};

}  // namespace pv::e2e
