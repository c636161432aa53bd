#include "api/metrics.hpp"

#include <set>

#include <charconv>
#include <sstream>

namespace pv::api {
namespace {

const std::string kOtherMethod = "other";


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

// Label values escape backslash, double quote and newline (exposition format 0.0.4).
std::string escape_label(std::string_view v) {
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

void HttpMetrics::record_request(const std::string& method, const std::string& route, int status) {
  // Methods are client text: anything but the standard ones is counted as "other", so that a
  // client cannot grow this table without bound.
  static const std::set<std::string, std::less<>> kMethods = {
      "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT"};
  const std::string& m = kMethods.count(method) ? method : kOtherMethod;
  std::lock_guard lock(mu_);
  ++requests_[{m, route, status}];
}

// Cluster mode: etcd ordering, compaction, the NOSPACE alarm and the checkpoint exchange.
static void render_cluster(std::ostringstream& out, const ClusterMetrics& c) {
  metric_header(out, "pv_divergence_alarm", "gauge",
                "1 when a peer derived a different block or log root at the same height or size.");
  out << "pv_divergence_alarm " << (c.divergence ? 1 : 0) << '\n';
  if (c.divergence) {
    metric_header(out, "pv_divergence_peer", "gauge", "The peer this node disagrees with (label peer).");
    out << "pv_divergence_peer{peer=\"" << escape_label(c.divergence_peer) << "\"} 1\n";
  }
  metric_header(out, "pv_peer_checks_total", "counter", "Checkpoint exchanges with peers that were checked.");
  out << "pv_peer_checks_total " << c.peer_checks << '\n';
  metric_header(out, "pv_peer_check_errors_total", "counter", "Checkpoint exchanges that failed.");
  out << "pv_peer_check_errors_total " << c.peer_check_errors << '\n';
  metric_header(out, "pv_cluster_peers", "gauge", "Peers that published progress in etcd.");
  out << "pv_cluster_peers " << c.peers << '\n';
  metric_header(out, "pv_etcd_applied_revision", "gauge", "Last etcd revision this node's ledger holds.");
  out << "pv_etcd_applied_revision " << c.etcd.applied_revision << '\n';
  metric_header(out, "pv_etcd_compacted_revision", "gauge", "Last etcd compaction seen or made.");
  out << "pv_etcd_compacted_revision " << c.etcd.compacted_revision << '\n';
  metric_header(out, "pv_etcd_batches_put_total", "counter", "Batches this node wrote to etcd.");
  out << "pv_etcd_batches_put_total " << c.etcd.batches_put << '\n';
  metric_header(out, "pv_etcd_put_failures_total", "counter", "Failed batch writes (retried).");
  out << "pv_etcd_put_failures_total " << c.etcd.put_failures << '\n';
  metric_header(out, "pv_etcd_batches_skipped_total", "counter", "Batches in etcd that failed verification.");
  out << "pv_etcd_batches_skipped_total " << c.etcd.batches_skipped << '\n';
  metric_header(out, "pv_etcd_catch_ups_total", "counter", "Catch-ups from peers after compaction.");
  out << "pv_etcd_catch_ups_total " << c.etcd.catch_ups << '\n';
  metric_header(out, "pv_etcd_nospace_alarm", "gauge", "1 while etcd's NOSPACE alarm refuses writes.");
  out << "pv_etcd_nospace_alarm " << (c.etcd.nospace ? 1 : 0) << '\n';
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

  if (node.cluster.enabled) render_cluster(out, node.cluster);

  metric_header(out, "pv_http_requests_total", "counter", "HTTP requests by route and status.");
  std::lock_guard lock(mu_);
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    out << "pv_http_requests_total{method=\"" << escape_label(method) << "\",route=\""
        << escape_label(route) << "\",code=\"" << status << "\"} " << count << '\n';
  }
  return out.str();
}

std::string render_http_front(const http::Server& server) {
  std::ostringstream out;
  metric_header(out, "pv_http_refusals_total", "counter",
                "Requests and connections the HTTP front refused, by reason "
                "(docs/configuration.md, HTTP limits).");
  for (std::size_t i = 0; i < http::kRefusalKinds; ++i) {
    const auto reason = static_cast<http::Refusal>(i);
    out << "pv_http_refusals_total{reason=\"" << http::refusal_name(reason) << "\"} "
        << server.refusals().get(reason) << '\n';
  }
  const http::ServerStats stats = server.stats();
  metric_header(out, "pv_http_internal_errors_total", "counter",
                "Handlers that failed unexpectedly (answered 500 and logged: a bug).");
  out << "pv_http_internal_errors_total " << stats.internal_errors << '\n';
  metric_header(out, "pv_http_open_connections", "gauge", "Open client connections.");
  out << "pv_http_open_connections " << stats.open_connections << '\n';
  metric_header(out, "pv_http_queued_requests", "gauge", "Requests waiting for a worker.");
  out << "pv_http_queued_requests " << stats.queued_requests << '\n';
  metric_header(out, "pv_http_buffered_body_bytes", "gauge",
                "Request body bytes held in memory across all connections.");
  out << "pv_http_buffered_body_bytes " << stats.buffered_bytes << '\n';
  return out.str();
}

}  // namespace pv::api
