#include "api/metrics.hpp"

#include <charconv>
#include <sstream>

namespace pv::api {
namespace {

// Label values escape backslash, double quote and newline (exposition format 0.0.4).
std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// Shortest text that reads back as the same double ("0.005", not "0.0050000000000000001").
std::string number(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

void metric_header(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

}  // namespace

void HttpMetrics::record_request(const std::string& method, const std::string& route, int status) {
  std::lock_guard lock(mu_);
  ++requests_[{method, route, status}];
}

std::string HttpMetrics::render(const NodeMetrics& node) const {
  std::ostringstream out;
  metric_header(out, "pv_committed_transactions_total", "counter",
                "Transactions committed in blocks, valid or not.");
  out << "pv_committed_transactions_total " << node.committed_tx << '\n';
  metric_header(out, "pv_committed_valid_transactions_total", "counter",
                "Transactions committed in blocks and marked valid.");
  out << "pv_committed_valid_transactions_total " << node.committed_valid_tx << '\n';
  metric_header(out, "pv_rejected_submissions_total", "counter",
                "Submitted transactions refused before ordering (by the API or the node).");
  out << "pv_rejected_submissions_total " << node.rejected_submissions + refused_.load() << '\n';
  metric_header(out, "pv_block_height", "gauge", "Height of the last committed block.");
  out << "pv_block_height " << node.height << '\n';
  metric_header(out, "pv_queue_depth", "gauge", "Accepted transactions not yet committed.");
  out << "pv_queue_depth " << node.queue_depth << '\n';

  metric_header(out, "pv_commit_latency_seconds", "histogram",
                "Time from acceptance to durable commit.");
  for (std::size_t i = 0; i < node.latency_bounds.size() && i < node.latency_counts.size(); ++i)
    out << "pv_commit_latency_seconds_bucket{le=\"" << number(node.latency_bounds[i]) << "\"} "
        << node.latency_counts[i] << '\n';
  out << "pv_commit_latency_seconds_bucket{le=\"+Inf\"} " << node.latency_count << '\n';
  out << "pv_commit_latency_seconds_sum " << number(node.latency_sum_seconds) << '\n';
  out << "pv_commit_latency_seconds_count " << node.latency_count << '\n';

  metric_header(out, "pv_http_requests_total", "counter", "HTTP requests by route and status.");
  std::lock_guard lock(mu_);
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    out << "pv_http_requests_total{method=\"" << escape_label(method) << "\",route=\""
        << escape_label(route) << "\",code=\"" << status << "\"} " << count << '\n';
  }
  return out.str();
}

}  // namespace pv::api
