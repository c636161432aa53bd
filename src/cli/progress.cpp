#include "cli/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace pv::cli {

std::string human_bytes(std::uint64_t n) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  if (n < 1024) return std::to_string(n) + " B";
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

namespace {

std::string rate(double bytes_per_second) {
  char buf[32];
  if (bytes_per_second >= 1e9)
    std::snprintf(buf, sizeof buf, "%.2f GB/s", bytes_per_second / 1e9);
  else
    std::snprintf(buf, sizeof buf, "%.0f MB/s", bytes_per_second / 1e6);
  return buf;
}

std::string clock(double seconds) {
  auto s = static_cast<long>(std::llround(seconds));
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

}  // namespace

std::string render_progress(const std::string& label, std::uint64_t done, std::uint64_t total,
                            double elapsed_seconds, std::size_t width) {
  double speed = elapsed_seconds > 0 ? static_cast<double>(done) / elapsed_seconds : 0;
  std::string tail = "  " + human_bytes(done);
  if (total > 0) tail += " / " + human_bytes(total);
  if (speed > 0) tail += "  " + rate(speed);
  if (total > 0 && speed > 0 && done <= total)
    tail += "  " + clock(static_cast<double>(total - done) / speed) + " left";
  if (total == 0) return label + tail;
  double fraction = std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
  char pct[8];
  std::snprintf(pct, sizeof pct, " %3d%%", static_cast<int>(fraction * 100));
  // The bar takes what the label, percentage and tail leave of the line, at least 10 cells.
  std::size_t used = label.size() + 3 + std::string(pct).size() + tail.size();
  std::size_t cells = width > used + 10 ? width - used : 10;
  auto filled = static_cast<std::size_t>(fraction * static_cast<double>(cells));
  return label + " [" + std::string(filled, '#') + std::string(cells - filled, '-') + "]" + pct +
         tail;
}

ProgressBar::ProgressBar(std::string label, std::uint64_t total, bool json)
    : label_(std::move(label)),
      total_(total),
      enabled_(!json && (total == 0 || total >= kProgressMinBytes) && isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() {
  finish();
}

void ProgressBar::advance(std::uint64_t n) {
  done_ += n;
  if (!enabled_) return;
  if (total_ == 0 && done_ < kProgressMinBytes) return;  // unknown size: only once it is large
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  draw();
}

void ProgressBar::draw() {
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string line = render_progress(label_, done_, total_, elapsed);
  // \r and clear-to-end-of-line, so a shorter line leaves no leftovers.
  std::fprintf(stderr, "\r%s\033[K", line.c_str());
  drawn_ = true;
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (finished_) return;
  finished_ = true;
  if (!enabled_ || !drawn_) return;
  draw();
  std::fputc('\n', stderr);
}

}  // namespace pv::cli
