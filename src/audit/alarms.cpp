#include "audit/alarms.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "node/atomic_file.hpp"

namespace pv::audit {
namespace {

namespace fs = std::filesystem;

Status post_webhook(const std::string& url, const std::string& body) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return make_error(Errc::invalid_argument, "bad webhook URL");
  const auto path_start = url.find('/', scheme_end + 3);
  const std::string base = url.substr(0, path_start);
  const std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);
  httplib::Client client(base);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(5, 0);
  auto res = client.Post(path, body, "application/json");
  if (!res) return make_error(Errc::io, "webhook " + url + ": " + httplib::to_string(res.error()));
  if (res->status / 100 != 2)
    return make_error(Errc::io, "webhook " + url + " answered " + std::to_string(res->status));
  return Status::ok();
}

}  // namespace

AlarmBoard::AlarmBoard(std::string data_dir, std::string webhook)
    : data_dir_(std::move(data_dir)), webhook_(std::move(webhook)) {}

Result<std::vector<std::string>> list_evidence(const std::string& data_dir) {
  std::vector<std::string> files;
  const fs::path dir = fs::path(data_dir) / "evidence";
  std::error_code ec;
  if (!fs::exists(dir, ec)) return files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".json") files.push_back(it->path().string());
  if (ec) return make_error(Errc::io, "cannot list " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

Status AlarmBoard::load() {
  auto files = list_evidence(data_dir_);
  if (!files) return files.error();
  std::lock_guard lock(mu_);
  for (const auto& f : *files) {
    // <time>-<kind>.json
    const std::string stem = fs::path(f).stem().string();
    const auto dash = stem.find('-');
    if (dash == std::string::npos) continue;
    if (auto kind = parse_alarm_kind(stem.substr(dash + 1))) {
      raised_[*kind] = 1;
      files_.push_back(f);
    }
  }
  return Status::ok();
}

Result<std::string> AlarmBoard::raise(Alarm alarm) {
  const std::string kind = alarm_kind_name(alarm.kind);
  const std::string body = evidence_json(alarm).dump(2) + "\n";
  std::string file;
  {
    std::lock_guard lock(mu_);
    raised_[alarm.kind] = 1;
    // Unique within the directory: a second alarm of one kind in one second gets a suffix.
    const fs::path dir = fs::path(data_dir_) / "evidence";
    const std::string base = std::to_string(alarm.time);
    file = (dir / (base + "-" + kind + ".json")).string();
    for (int n = 2; fs::exists(file); ++n)
      file = (dir / (base + "." + std::to_string(n) + "-" + kind + ".json")).string();
    Status written = write_file_atomically(file, body, 0644);
    if (!written) {
      spdlog::error("audit alarm {}: {} (the evidence could not be written: {})", kind,
                    alarm.reason, written.error().message);
      return written.error();
    }
    files_.push_back(file);
  }
  spdlog::error("audit alarm {}: {} (evidence: {})", kind, alarm.reason, file);
  if (!webhook_.empty())
    if (Status posted = post_webhook(webhook_, body); !posted)
      spdlog::warn("audit alarm {}: {}", kind, posted.error().message);
  return file;
}

std::map<AlarmKind, int> AlarmBoard::gauges() const {
  std::lock_guard lock(mu_);
  std::map<AlarmKind, int> out;
  for (AlarmKind k : kAlarmKinds) out[k] = raised_.count(k) ? raised_.at(k) : 0;
  return out;
}

std::vector<std::string> AlarmBoard::evidence_files() const {
  std::lock_guard lock(mu_);
  return files_;
}

}  // namespace pv::audit
