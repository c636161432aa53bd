#include "node/peer_catch_up.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace pv {
namespace {

Status copy_from(CatchUpContext& ctx, const ProgressRecord& peer) {
  while (ctx.committer.head().height < peer.height) {
    std::uint64_t h = ctx.committer.head().height + 1;
    auto body = ctx.peers.get(peer.url, "/v1/blocks/" + std::to_string(h) + "?format=binary");
    if (!body) return body.error();
    auto block = decode_block(as_bytes(*body));
    if (!block)
      return make_error(Errc::malformed, "block " + std::to_string(h) + " from " + peer.url + ": " +
                                             block.error().message);
    if (block->header.height != h)
      return make_error(Errc::malformed, peer.url + " sent the wrong block height");
    if (!ctx.members.count(block->seal.node_key))
      return make_error(Errc::unauthorized, "block " + std::to_string(h) + " from " + peer.url +
                                                " is sealed by a key that is no genesis node key");
    PV_TRY(verify_block_seal(block->header, block->seal));
    BlockHash expected = block_hash(block->header);
    bool last = h == peer.height;
    if (last && expected != peer.block_hash)
      return make_error(Errc::conflict, peer.url + " sent block " + std::to_string(h) +
                                            " that is not the one its progress record names");
    OrderedBatch batch;
    batch.time_ms = block->header.time_ms;
    batch.position = last ? peer.revision : kUnknownOrderingPosition;
    for (auto& tx : block->transactions)
      batch.transactions.push_back(OrderedTx{std::move(tx), false, 0});
    auto committed = ctx.committer.commit(std::move(batch), &block->header);
    if (!committed) return committed.error();
    ctx.on_commit(std::move(*committed), last ? peer.revision : kUnknownOrderingPosition);
  }
  return Status::ok();
}

}  // namespace

Result<std::uint64_t> catch_up_from_peers(CatchUpContext& ctx,
                                          const std::vector<ProgressRecord>& peers,
                                          std::uint64_t compacted) {
  std::vector<ProgressRecord> usable;
  for (const auto& p : peers)
    if (p.revision + 1 >= compacted && p.height >= ctx.committer.head().height && !p.url.empty())
      usable.push_back(p);
  if (usable.empty())
    return make_error(Errc::unavailable,
                      "no peer has published progress past this node's head and etcd's compaction "
                      "point yet");
  // The furthest peer first: the fewer revisions left to follow, the less can be compacted again.
  std::sort(usable.begin(), usable.end(),
            [](const auto& a, const auto& b) { return a.height > b.height; });
  Error last{Errc::unavailable, ""};
  for (const auto& peer : usable) {
    spdlog::info("catching up from {} (height {}, etcd revision {}) from height {}", peer.url,
                 peer.height, peer.revision, ctx.committer.head().height);
    Status s = copy_from(ctx, peer);
    if (s && block_hash(ctx.committer.head()) == peer.block_hash) return peer.revision;
    last = s ? make_error(Errc::conflict,
                          "after copying from " + peer.url + " the head differs from its record")
             : s.error();
    spdlog::warn("catching up from {} failed: {}", peer.url, last.message);
  }
  return last;
}

}  // namespace pv
