#pragma once
// A raw TCP client for tests that talk HTTP the way an attacker would: any bytes, in any pieces,
// at any pace, then read what the server answers (several pipelined answers included). Blocking
// sockets with receive timeouts; nothing here trusts the server's framing.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <string>

namespace pv::e2e {

struct RawAnswer {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;  // de-chunked
  std::string header(const std::string& name) const {
    std::string lower_head;
    for (char c : head) lower_head += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string key = "\r\n";
    for (char c : name) key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    key += ":";
    auto at = lower_head.find(key);
    if (at == std::string::npos) return "";
    auto start = at + key.size();
    auto end = head.find("\r\n", start);
    std::string v = head.substr(start, end - start);
    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
    return v;
  }
};

class RawConnection {
 public:
  // Connects from `source` (any 127.x.y.z address: Linux routes all of 127/8 to loopback).
  explicit RawConnection(int port, const char* source = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return;
    if (source != nullptr) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      ::inet_pton(AF_INET, source, &local.sin_addr);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
        close();
        return;
      }
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      close();
      return;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RawConnection() { close(); }
  RawConnection(RawConnection&& o) noexcept : fd_(o.fd_), buffer_(std::move(o.buffer_)) {
    o.fd_ = -1;
  }
  RawConnection(const RawConnection&) = delete;

  bool ok() const { return fd_ >= 0; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  bool send(const std::string& bytes) {
    std::size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<std::size_t>(n);
    }
    return true;
  }
  void shutdown_write() { ::shutdown(fd_, SHUT_WR); }

  // True when the server closed the connection (EOF or reset) within `timeout`.
  bool closed_by_server(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      int r = fill(left);
      if (r <= 0) return r == 0 || r == -1;
      // Data keeps the connection open; drop it.
      buffer_.clear();
    }
  }

  // Reads one answer (status, headers, body by Content-Length, chunked, or until close).
  std::optional<RawAnswer> read_answer(std::chrono::milliseconds timeout = std::chrono::seconds(10),
                                       bool head_request = false) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    auto left = [&] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                   std::chrono::steady_clock::now());
    };
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos)
      if (left().count() <= 0 || fill(left()) <= 0) return std::nullopt;
    RawAnswer a;
    a.head = buffer_.substr(0, end + 2);
    buffer_.erase(0, end + 4);
    if (a.head.size() < 12 || a.head.rfind("HTTP/1.", 0) != 0) return std::nullopt;
    a.status = std::atoi(a.head.c_str() + 9);
    if (head_request || a.status == 100 || a.status == 204 || a.status == 304) return a;
    const std::string length = a.header("content-length");
    if (!length.empty()) {
      const std::size_t n = std::stoul(length);
      while (buffer_.size() < n)
        if (left().count() <= 0 || fill(left()) <= 0) return std::nullopt;
      a.body = buffer_.substr(0, n);
      buffer_.erase(0, n);
      return a;
    }
    if (a.header("transfer-encoding").find("chunked") != std::string::npos) {
      while (true) {
        std::size_t eol;
        while ((eol = buffer_.find("\r\n")) == std::string::npos)
          if (left().count() <= 0 || fill(left()) <= 0) return std::nullopt;
        const std::size_t size = std::stoul(buffer_.substr(0, eol), nullptr, 16);
        while (buffer_.size() < eol + 2 + size + 2)
          if (left().count() <= 0 || fill(left()) <= 0) return std::nullopt;
        a.body += buffer_.substr(eol + 2, size);
        buffer_.erase(0, eol + 2 + size + 2);
        if (size == 0) return a;
      }
    }
    while (left().count() > 0 && fill(left()) > 0) {
    }
    a.body = std::move(buffer_);
    buffer_.clear();
    return a;
  }

 private:
  // Reads what is there: >0 bytes read, 0 EOF, -1 error/reset, -2 timeout.
  int fill(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (r == 0) return -2;
    if (r < 0) return -1;
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0) return -1;
    if (n == 0) return 0;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return static_cast<int>(n);
  }

  int fd_ = -1;
  std::string buffer_;
};

}  // namespace pv::e2e
