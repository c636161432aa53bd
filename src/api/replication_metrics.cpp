// Prometheus text for content replication (docs/cluster.md, "Content replication").

#include <sstream>

#include "api/routes.hpp"
#include "node/content_replication.hpp"

namespace pv::api {

std::string render_replication_metrics(const ReplicationStats& s) {
  std::ostringstream out;
  auto counter = [&out](const char* name, const char* help, std::uint64_t value) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " counter\n"
        << name << ' ' << value << '\n';
  };
  counter("pv_content_peer_blocks_fetched_total",
          "Content blocks fetched from peers, checked against their CIDs and stored.",
          s.fetch.blocks);
  counter("pv_content_peer_bytes_fetched_total", "Bytes of those blocks.", s.fetch.bytes);
  counter("pv_content_peer_bad_blocks_total",
          "Blocks a peer sent that did not hash to the CID asked for (refused).",
          s.fetch.bad_blocks);
  counter("pv_content_peer_misses_total", "Block fetches that no peer could serve.",
          s.fetch.misses);
  counter("pv_content_anchors_replicated_total",
          "Record anchors whose content reached replication.copies nodes.", s.anchors_replicated);
  counter("pv_content_anchors_refused_total",
          "Record anchors refused: content missing here or too few nodes to hold it.",
          s.anchors_refused);
  counter("pv_content_replicas_pinned_total", "Record contents pulled and pinned for a peer.",
          s.replicas_pinned);
  return out.str();
}

}  // namespace pv::api
