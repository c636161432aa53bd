#include "node/peer_block_fetcher.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "codec/did_key.hpp"
#include "content/dag_walk.hpp"
#include "crypto/sha256.hpp"

namespace pv {

namespace {
// How long a peer that did not answer is asked only after every other peer.
constexpr std::chrono::seconds kUnreachableBackoff{10};
}  // namespace

std::vector<PeerNode> peers_for(const content::Cid& cid, std::vector<PeerNode> peers,
                                const std::optional<PublicKey>& prefer) {
  auto score = [&](const PeerNode& p) { return sha256(cid.digest().view(), p.key.view()); };
  std::stable_sort(peers.begin(), peers.end(), [&](const PeerNode& a, const PeerNode& b) {
    const bool pa = prefer && a.key == *prefer, pb = prefer && b.key == *prefer;
    if (pa != pb) return pa;
    return score(a) > score(b);
  });
  return peers;
}

PeerBlockFetcher::PeerBlockFetcher(const PeerClient* client, PeerList peers,
                                   content::BlockStore& local, std::chrono::milliseconds timeout)
    : client_(client), peers_(std::move(peers)), local_(local), timeout_(timeout) {}

std::vector<PeerNode> PeerBlockFetcher::order(const content::Cid& cid,
                                              const std::optional<PublicKey>& prefer) {
  auto ordered = peers_for(cid, peers_(), prefer);
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  std::stable_partition(ordered.begin(), ordered.end(), [&](const PeerNode& p) {
    auto it = unreachable_until_.find(p.key);
    return it == unreachable_until_.end() || it->second <= now;
  });
  return ordered;
}

void PeerBlockFetcher::note_unreachable(const PublicKey& peer) {
  std::lock_guard lock(mu_);
  unreachable_until_[peer] = std::chrono::steady_clock::now() + kUnreachableBackoff;
}

Result<Bytes> PeerBlockFetcher::fetch(const content::Cid& cid,
                                      const std::optional<PublicKey>& prefer) {
  std::string answers;
  if (client_ != nullptr) {
    for (const auto& peer : order(cid, prefer)) {
      auto body = client_->get(peer.url, "/v1/peer/blocks/" + cid.to_v1().to_string(), timeout_);
      if (!body) {
        if (body.error().code == Errc::not_found) {
          answers += "; " + peer.url + " does not hold it";
        } else {
          note_unreachable(peer.key);
          answers += "; " + body.error().message;  // names the peer
        }
        continue;
      }
      // put() hashes the bytes: nothing is stored, or returned, unless it is the block asked for.
      if (Status s = local_.put(cid, as_bytes(*body)); !s) {
        if (s.error().code != Errc::invalid_argument) return s.error();  // our own disk
        {
          std::lock_guard lock(mu_);
          ++stats_.bad_blocks;
        }
        spdlog::warn("content: peer {} ({}) sent {} bytes for {} that do not hash to it; refused",
                     peer.url, did_key_from_public_key(peer.key), body->size(), cid.to_string());
        answers += "; " + peer.url + ": sent a block that does not match the CID (refused)";
        continue;
      }
      std::lock_guard lock(mu_);
      ++stats_.blocks;
      stats_.bytes += body->size();
      return to_bytes(*body);
    }
  }
  {
    std::lock_guard lock(mu_);
    ++stats_.misses;
  }
  if (answers.empty()) answers = "; this node has no peers";
  return make_error(Errc::not_found, "block " + cid.to_string() +
                                         " is not stored here and no peer served it" + answers);
}

Result<DagFetchReport> PeerBlockFetcher::fetch_dag(const content::Cid& root,
                                                   const std::optional<PublicKey>& prefer) {
  DagFetchReport report;
  std::vector<content::Cid> stack{root};
  std::set<Hash32> seen;
  while (!stack.empty()) {
    const content::Cid cid = stack.back();
    stack.pop_back();
    if (!seen.insert(cid.digest()).second) continue;
    ++report.blocks;
    std::optional<Bytes> bytes;
    if (cid.codec() == content::Multicodec::raw) {
      // Leaves have no links: only whether they are here matters.
      auto present = local_.has(cid);
      if (!present) return present.error();
      if (*present) continue;
    } else {
      auto got = local_.get(cid);
      if (got)
        bytes = std::move(*got);
      else if (got.error().code != Errc::not_found && got.error().code != Errc::corruption)
        return got.error();
    }
    if (!bytes) {
      auto fetched = fetch(cid, prefer);
      if (!fetched) return fetched.error();
      ++report.fetched;
      bytes = std::move(*fetched);
    }
    auto links = content::block_links(cid, *bytes);
    if (!links) return links.error();
    for (auto it = links->rbegin(); it != links->rend(); ++it) stack.push_back(*it);
  }
  return report;
}

PeerFetchStats PeerBlockFetcher::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace pv
