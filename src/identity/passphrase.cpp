#include "identity/passphrase.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace pv {
namespace {

constexpr std::size_t kMaxPassphraseBytes = 4096;

void strip_line_end(std::string& s) {
  if (!s.empty() && s.back() == '\n') s.pop_back();
  if (!s.empty() && s.back() == '\r') s.pop_back();
}

Result<Passphrase> checked(std::string text, const std::string& source) {
  Passphrase p(std::move(text));
  if (p.view().empty())
    return make_error(Errc::invalid_argument, "empty passphrase from " + source);
  return p;
}

// Reads the first line of `fd` one byte at a time, so nothing beyond it is buffered anywhere.
Result<Passphrase> read_line(int fd, const std::string& source) {
  std::string line;
  line.reserve(kMaxPassphraseBytes + 1);  // never reallocates, so no stray copies
  for (;;) {
    char c;
    ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Passphrase wipe_me(std::move(line));
      return make_error(Errc::io,
                        "cannot read passphrase from " + source + ": " + std::strerror(errno));
    }
    if (n == 0 || c == '\n') break;
    if (line.size() >= kMaxPassphraseBytes) {
      Passphrase wipe_me(std::move(line));
      return make_error(Errc::too_large, "passphrase from " + source + " is over 4096 bytes");
    }
    line.push_back(c);
  }
  strip_line_end(line);
  return checked(std::move(line), source);
}

Result<Passphrase> from_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return make_error(Errc::io,
                      "cannot open passphrase file " + path + ": " + std::strerror(errno));
  auto p = read_line(fd, "passphrase file " + path);
  ::close(fd);
  return p;
}

void write_tty(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Prompts with echo off; echo is restored before returning.
Result<Passphrase> prompt_once(int fd, std::string_view prompt) {
  termios old{};
  if (::tcgetattr(fd, &old) != 0)
    return make_error(Errc::unavailable, "the terminal does not support hiding input");
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  quiet.c_lflag |= ECHONL;
  write_tty(fd, prompt);
  if (::tcsetattr(fd, TCSAFLUSH, &quiet) != 0)
    return make_error(Errc::unavailable, "cannot turn terminal echo off");
  auto p = read_line(fd, "the terminal");
  ::tcsetattr(fd, TCSAFLUSH, &old);
  return p;
}

Result<Passphrase> from_tty(const PassphraseRequest& req) {
  int fd = ::open(req.tty_path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0 || !::isatty(fd)) {
    if (fd >= 0) ::close(fd);
    return make_error(Errc::unavailable,
                      std::string("no passphrase: there is no terminal to ask on; set ") +
                          req.env_var + " or pass " + req.file_flag +
                          " FILE (first line is the passphrase)");
  }
  auto first = prompt_once(fd, req.prompt);
  if (first && req.confirm) {
    auto second = prompt_once(fd, "Repeat passphrase: ");
    if (!second)
      first = second.error();
    else if (first->view() != second->view())
      first = make_error(Errc::invalid_argument, "the two passphrases differ");
  }
  ::close(fd);
  return first;
}

}  // namespace

Passphrase::~Passphrase() {
  wipe();
}

Passphrase::Passphrase(Passphrase&& other) noexcept : text_(std::move(other.text_)) {
  other.wipe();
}

Passphrase& Passphrase::operator=(Passphrase&& other) noexcept {
  if (this != &other) {
    wipe();
    text_ = std::move(other.text_);
    other.wipe();
  }
  return *this;
}

void Passphrase::wipe() {
  // Wipes the whole capacity: the string may have held a longer value before.
  if (text_.capacity() > 0) {
    text_.resize(text_.capacity());
    sodium_memzero(text_.data(), text_.size());
  }
  text_.clear();
}

Result<Passphrase> read_passphrase(const PassphraseRequest& req) {
  if (req.file) return from_file(*req.file);
  if (const char* env = std::getenv(req.env_var); env != nullptr)
    return checked(std::string(env), std::string("the ") + req.env_var + " environment variable");
  return from_tty(req);
}

}  // namespace pv
