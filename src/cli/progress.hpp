#pragma once
// A progress bar for long transfers, drawn on stderr: bytes done, percentage, throughput and
// time left. It draws only when stderr is a terminal, the command was not given --json, and the
// transfer is at least kProgressMinBytes (small transfers finish before a bar would help; with
// an unknown total, once that many bytes have passed).

#include <chrono>
#include <cstdint>
#include <string>

namespace pv::cli {

inline constexpr std::uint64_t kProgressMinBytes = 8ull << 20;

// One line of the bar, without the carriage return: "label [#####-----]  45%  1.2 GiB / 2.6
// GiB  850 MB/s  0:02 left". `total` 0 means unknown (no percentage, no time left). Pure, so
// it is unit tested.
std::string render_progress(const std::string& label, std::uint64_t done, std::uint64_t total,
                            double elapsed_seconds, std::size_t width = 80);

// "1.5 GiB", "12.0 MiB", "512 B".
std::string human_bytes(std::uint64_t n);

class ProgressBar {
 public:
  // `json` is the command's --json flag.
  ProgressBar(std::string label, std::uint64_t total, bool json);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  bool enabled() const { return enabled_; }
  // Adds `n` bytes; redraws at most ten times a second.
  void advance(std::uint64_t n);
  // Draws the last state and ends the line (also done by the destructor).
  void finish();

 private:
  void draw();

  std::string label_;
  std::uint64_t total_, done_ = 0;
  bool enabled_, finished_ = false, drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace pv::cli
