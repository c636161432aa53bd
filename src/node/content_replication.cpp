#include "node/content_replication.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace pv {

// Local first; a block that is missing here, or whose local copy fails its CID check, comes from
// a peer (and replaces the bad copy). Everything else goes straight to the local store.
class ContentReplication::FetchingStore final : public content::BlockStore {
 public:
  FetchingStore(content::BlockStore& local, PeerBlockFetcher& fetcher)
      : local_(local), fetcher_(fetcher) {}

  Status put(const content::Cid& cid, ByteView bytes) override { return local_.put(cid, bytes); }
  Status put_all(std::span<const content::BlockView> blocks) override {
    return local_.put_all(blocks);
  }
  Status put_all_checked(content::CheckedByCarReader pass,
                         std::span<const content::BlockView> blocks) override {
    return local_.put_all_checked(pass, blocks);
  }
  Status put_hashed(content::HashedByImporter pass, const content::Cid& cid,
                    ByteView bytes) override {
    return local_.put_hashed(pass, cid, bytes);
  }
  Result<Bytes> get(const content::Cid& cid) override {
    Bytes out;
    PV_TRY(read_into(cid, out));
    return out;
  }
  Status read_into(const content::Cid& cid, Bytes& out) override {
    Status here = local_.read_into(cid, out);
    if (here) return here;
    if (here.error().code != Errc::not_found && here.error().code != Errc::corruption) return here;
    // An erased block is never fetched back from a peer that has not erased it yet.
    if (auto gone = local_.erased(cid); gone && *gone)
      return make_error(Errc::not_found, "block " + cid.to_string() +
                                             " was erased on this node (a record's erasure)");
    auto fetched = fetcher_.fetch(cid);
    if (!fetched) {
      // Keep the local verdict (corruption) when no peer could do better.
      if (here.error().code == Errc::corruption)
        return make_error(Errc::corruption, here.error().message + "; " + fetched.error().message);
      return fetched.error();
    }
    if (here.error().code == Errc::corruption)
      spdlog::warn("content: local copy of {} was corrupt; replaced by a peer's verified copy",
                   cid.to_string());
    out = std::move(*fetched);
    return Status::ok();
  }
  Result<bool> has(const content::Cid& cid) override { return local_.has(cid); }
  Result<bool> erased(const content::Cid& cid) override { return local_.erased(cid); }
  Status sync() override { return local_.sync(); }
  Status pin(const content::Cid& root) override { return local_.pin(root); }
  Status unpin(const content::Cid& root) override { return local_.unpin(root); }
  Result<std::vector<content::Cid>> pins() override { return local_.pins(); }
  Result<content::GcReport> collect_garbage() override { return local_.collect_garbage(); }

 private:
  content::BlockStore& local_;
  PeerBlockFetcher& fetcher_;
};

std::size_t max_replication_copies(const NodeInfo& info) {
  return info.ordering == "etcd" ? std::max<std::size_t>(1, info.member_nodes) : 1;
}

std::uint32_t default_replication_copies(const NodeInfo& info) {
  return static_cast<std::uint32_t>(std::min<std::size_t>(2, max_replication_copies(info)));
}

ContentReplication::ContentReplication(Node& node, content::BlockStore& local, std::uint32_t copies,
                                       std::size_t max_waiting,
                                       std::chrono::milliseconds replica_timeout)
    : node_(node),
      local_(local),
      copies_(copies),
      replica_timeout_(replica_timeout),
      fetcher_(
          node.peer_client(), [&node] { return node.peers(); }, local),
      store_(std::make_unique<FetchingStore>(local, fetcher_)),
      max_waiting_(std::max<std::size_t>(1, max_waiting)) {}

Result<std::shared_ptr<void>> ContentReplication::waiting_slot(const char* what) {
  if (waiting_.fetch_add(1) >= max_waiting_) {
    --waiting_;
    return make_error(Errc::unavailable, std::string("this node is already waiting on peers for ") +
                                             std::to_string(max_waiting_) + " record contents; " +
                                             what + " was not started; retry in a moment");
  }
  return std::shared_ptr<void>(nullptr, [this](void*) { --waiting_; });
}

ContentReplication::~ContentReplication() = default;

content::BlockStore& ContentReplication::store() {
  return *store_;
}

Result<ReplicaSet> ContentReplication::ensure_copies(const content::Cid& root) {
  ReplicaSet set;
  set.required = copies_;
  if (copies_ == 0) return set;
  if (Status pinned = local_.pin(root); !pinned) {
    if (pinned.error().code != Errc::not_found) return pinned.error();
    ++anchors_refused_;
    return make_error(Errc::conflict,
                      "the record's content " + root.to_string() +
                          " is not complete on this node (" + pinned.error().message +
                          "); upload it to this node first (pv blob put, or POST /v1/blocks and "
                          "/v1/pins/{cid}), then submit the anchor");
  }
  set.holders.push_back("self");
  std::string answers;
  const PeerClient* client = node_.peer_client();
  std::shared_ptr<void> slot;
  if (client != nullptr && set.holders.size() < copies_) {
    auto waiting = waiting_slot("replicating this record's content");
    if (!waiting) {
      ++anchors_refused_;
      return waiting.error();
    }
    slot = std::move(*waiting);
  }
  if (client != nullptr) {
    for (const auto& peer : peers_for(root, node_.peers())) {
      if (set.holders.size() >= copies_) break;
      auto answer = client->post(peer.url, "/v1/peer/replicas/" + root.to_v1().to_string(), "{}",
                                 replica_timeout_);
      if (!answer) {
        answers += "; " + peer.url + ": " + answer.error().message;
        continue;
      }
      auto doc = nlohmann::json::parse(*answer, nullptr, false);
      if (!doc.is_object() || doc.value("pinned", "") != root.to_v1().to_string()) {
        answers += "; " + peer.url + ": answered without confirming the pin";
        continue;
      }
      set.holders.push_back(peer.url);
    }
  }
  if (set.holders.size() < copies_) {
    ++anchors_refused_;
    std::string held;
    for (const auto& h : set.holders) held += (held.empty() ? "" : ", ") + h;
    return make_error(Errc::unavailable,
                      "the record's content " + root.to_string() + " is held by " +
                          std::to_string(set.holders.size()) + " of the " +
                          std::to_string(copies_) + " nodes replication.copies requires (" + held +
                          ")" + (answers.empty() ? "; this node knows no peers" : answers) +
                          ". The anchor was not submitted: retry when more nodes are up, or lower "
                          "replication.copies");
  }
  ++anchors_replicated_;
  return set;
}

Result<DagFetchReport> ContentReplication::pull_and_pin(const content::Cid& root,
                                                        const PublicKey& requester) {
  auto slot = waiting_slot("pulling a replica");
  if (!slot) return slot.error();
  // Fetched blocks are unpinned until the pin below; garbage collection spares blocks written
  // within its grace period, which covers the fetch.
  auto report = fetcher_.fetch_dag(root, requester);
  if (!report) return report.error();
  PV_TRY(local_.pin(root));
  ++replicas_pinned_;
  spdlog::info("content: pinned {} for a peer ({} blocks, {} fetched)", root.to_string(),
               report->blocks, report->fetched);
  return report;
}

ReplicationStats ContentReplication::stats() const {
  ReplicationStats s;
  s.fetch = fetcher_.stats();
  s.anchors_replicated = anchors_replicated_;
  s.anchors_refused = anchors_refused_;
  s.replicas_pinned = replicas_pinned_;
  return s;
}

}  // namespace pv
