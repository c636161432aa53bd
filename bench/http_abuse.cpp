// Holds a node's HTTP front under abuse for bench/run.sh http: N idle keep-alive connections
// (each asked one question, then silent; reopened when the node closes them) and M slowloris
// connections (a header line every few seconds, never finishing; reopened after their 408).
// Connections come from many loopback source addresses (127.0.x.y) so that the per-address limit
// is not what refuses them. One thread, poll(); runs until SIGTERM and then prints what it held.
//
//   pv_http_abuse --port 7600 --idle 10000 --slowloris 200 [--ready-file FILE]

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
std::atomic<bool> stop{false};

enum class Kind { idle, slow };

struct Conn {
  int fd = -1;
  Kind kind = Kind::idle;
  bool answered = false;  // idle: its one request was answered
  Clock::time_point next_send{};
  std::uint32_t source = 0;
};

int open_connection(int port, std::uint32_t source) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl(source);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    ::close(fd);
    return -1;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(0x7f000001);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  ::fcntl(fd, F_SETFL, O_NONBLOCK);
  return fd;
}

void send_all(int fd, const std::string& s) {
  (void)!::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Holds idle keep-alive and slowloris connections against a node (bench/run.sh http)"};
  int port = 7600;
  std::size_t idle = 10'000, slow = 200;
  std::string ready_file;
  double slow_interval_s = 2.0;
  app.add_option("--port", port, "the node's port on 127.0.0.1")->required();
  app.add_option("--idle", idle, "idle keep-alive connections")->capture_default_str();
  app.add_option("--slowloris", slow, "slowloris connections")->capture_default_str();
  app.add_option("--slow-interval", slow_interval_s, "seconds between a slowloris's header lines")
      ->capture_default_str();
  app.add_option("--ready-file", ready_file, "written once every connection is open");
  CLI11_PARSE(app, argc, argv);

  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  signal(SIGTERM, [](int) { stop = true; });
  signal(SIGINT, [](int) { stop = true; });

  const auto interval = std::chrono::milliseconds(static_cast<int>(slow_interval_s * 1000));
  std::vector<Conn> conns(idle + slow);
  std::uint64_t opened = 0, reopened = 0, refused408 = 0, failed = 0;
  const std::string question = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  auto open_one = [&](Conn& c, std::size_t i) {
    // 127.0.10.1 .. 127.0.73.254: 64 x 254 source addresses.
    c.source = 0x7f000000u | ((10u + (i / 254) % 64) << 8) | (1u + i % 254);
    c.fd = open_connection(port, c.source);
    if (c.fd < 0) {
      ++failed;
      return;
    }
    ++opened;
    c.answered = false;
    if (c.kind == Kind::idle) {
      send_all(c.fd, question);
    } else {
      send_all(c.fd, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      c.next_send = Clock::now() + interval;
    }
  };
  for (std::size_t i = 0; i < conns.size(); ++i) {
    conns[i].kind = i < idle ? Kind::idle : Kind::slow;
    open_one(conns[i], i);
  }
  std::cerr << "abuse: " << opened << " connections open (" << idle << " idle keep-alive, " << slow
            << " slowloris), " << failed << " failed\n";
  if (!ready_file.empty()) std::ofstream(ready_file) << opened << "\n";

  std::vector<pollfd> pfds;
  char buf[4096];
  while (!stop) {
    pfds.clear();
    for (const auto& c : conns) pfds.push_back({c.fd, POLLIN, 0});
    ::poll(pfds.data(), pfds.size(), 200);
    const auto now = Clock::now();
    for (std::size_t i = 0; i < conns.size(); ++i) {
      Conn& c = conns[i];
      if (c.fd < 0) {
        open_one(c, i);
        ++reopened;
        continue;
      }
      if (pfds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
        if (n > 0 && c.kind == Kind::slow &&
            std::string_view(buf, static_cast<std::size_t>(n)).find(" 408 ") != std::string_view::npos)
          ++refused408;
        if (n <= 0) {  // closed by the node (idle or header timeout): open another
          ::close(c.fd);
          c.fd = -1;
          continue;
        }
        c.answered = true;
      }
      if (c.kind == Kind::slow && now >= c.next_send) {
        send_all(c.fd, "X-Slow: 1\r\n");
        c.next_send = now + interval;
      }
    }
  }
  std::size_t open_now = 0;
  for (auto& c : conns)
    if (c.fd >= 0) {
      ++open_now;
      ::close(c.fd);
    }
  std::cout << "{\"opened\":" << opened << ",\"reopened\":" << reopened
            << ",\"slowloris_408\":" << refused408 << ",\"open_at_end\":" << open_now
            << ",\"failed\":" << failed << "}\n";
  return 0;
}
