#pragma once
// Where a wallet passphrase comes from, in this order:
//   1. a file given with --passphrase-file (its first line, trailing "\n" / "\r\n" stripped);
//   2. the PV_PASSPHRASE environment variable;
//   3. an interactive prompt on /dev/tty with echo off (asked twice when creating).
// With none of these available the error says how to provide one. A passphrase is never logged
// or printed, and its memory is wiped when the Passphrase is destroyed.

#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace pv {

// A passphrase in memory; wiped (sodium_memzero) on destruction. Move-only.
class Passphrase {
 public:
  explicit Passphrase(std::string text) : text_(std::move(text)) {}
  ~Passphrase();
  Passphrase(Passphrase&& other) noexcept;
  Passphrase& operator=(Passphrase&& other) noexcept;
  Passphrase(const Passphrase&) = delete;
  Passphrase& operator=(const Passphrase&) = delete;
  std::string_view view() const { return text_; }

 private:
  void wipe();
  std::string text_;
};

struct PassphraseRequest {
  std::optional<std::string> file;        // --passphrase-file
  bool confirm = false;                   // ask twice on a terminal (creating an identity)
  std::string prompt = "Passphrase: ";    // shown on the terminal only
  const char* env_var = "PV_PASSPHRASE";  // the node key uses PV_NODE_PASSPHRASE
  const char* file_flag = "--passphrase-file";  // named in the "no source" error
  std::string tty_path = "/dev/tty";      // a seam for tests
};

// Errc::invalid_argument for an empty passphrase or a mismatch when confirming; Errc::unavailable
// when there is no source at all.
[[nodiscard]] Result<Passphrase> read_passphrase(const PassphraseRequest& request);

}  // namespace pv
