#include "audit/divergence.hpp"

#include <algorithm>
#include <set>
#include <vector>

namespace pv::audit {
namespace {

// Up to three ids, then "and N more".
std::string some_ids(const std::vector<TxId>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < 3; ++i) out += (i ? ", " : "") + ids[i].hex();
  if (ids.size() > 3) out += " and " + std::to_string(ids.size() - 3) + " more";
  return out;
}

std::string count(std::size_t n) {
  return std::to_string(n) + (n == 1 ? " transaction" : " transactions");
}

}  // namespace

Divergence describe_blocks(const std::vector<Block>& blocks_a, const std::vector<Block>& blocks_b,
                           const std::string& name_a, const std::string& name_b) {
  Divergence d;
  const Block& a = blocks_a.front();
  const Block& b = blocks_b.front();
  d.height = a.header.height;
  std::vector<TxId> ids_a, ids_b;  // from the parting height on, in block order
  for (const auto& blk : blocks_a)
    for (const auto& tx : blk.transactions) ids_a.push_back(transaction_id(tx));
  for (const auto& blk : blocks_b)
    for (const auto& tx : blk.transactions) ids_b.push_back(transaction_id(tx));
  const std::set<TxId> set_a(ids_a.begin(), ids_a.end()), set_b(ids_b.begin(), ids_b.end());
  std::vector<TxId> lacks, extra;  // in b's blocks, in none of a's; in a's, in none of b's
  for (const auto& id : ids_b)
    if (!set_a.count(id)) lacks.push_back(id);
  for (const auto& id : ids_a)
    if (!set_b.count(id)) extra.push_back(id);
  const std::string block = "block " + std::to_string(d.height);
  const std::string from = blocks_a.size() > 1 || blocks_b.size() > 1 ? " and after" : "";
  if (!lacks.empty() || !extra.empty()) {
    d.dropped = !lacks.empty() && extra.empty();
    if (!lacks.empty())
      d.what = name_a + "'s ledger from " + block + " on lacks " + count(lacks.size()) +
               " that " + name_b + "'s has at " + block + from + " (" + some_ids(lacks) + ")";
    if (!extra.empty())
      d.what += (d.what.empty() ? name_a + "'s ledger from " + block + " on"
                                : std::string("; it")) +
                " has " + count(extra.size()) + " that " + name_b + "'s lacks (" +
                some_ids(extra) + ")";
    if (d.dropped) d.what = "dropped: " + d.what;
    return d;
  }
  std::vector<TxId> first_a, first_b;
  for (const auto& tx : a.transactions) first_a.push_back(transaction_id(tx));
  for (const auto& tx : b.transactions) first_b.push_back(transaction_id(tx));
  if (first_a != first_b) {
    d.what = name_a + "'s and " + name_b + "'s " + block +
             " hold the same transactions in another order or cut";
    return d;
  }
  std::size_t verdicts = 0;
  for (std::size_t i = 0; i < a.results.size() && i < b.results.size(); ++i)
    verdicts += a.results[i].code != b.results[i].code ? 1 : 0;
  if (verdicts > 0) {
    d.what = name_a + "'s and " + name_b + "'s " + block + " hold the same transactions with " +
             std::to_string(verdicts) + " other verdict" + (verdicts == 1 ? "" : "s");
    return d;
  }
  d.what = name_a + "'s and " + name_b + "'s " + block +
           " hold the same transactions and verdicts but other headers (time, state digest)";
  return d;
}

std::optional<Divergence> find_divergence(const Follower& a, const Follower& b) {
  const std::uint64_t top = std::min(a.status().verified.height, b.status().verified.height);
  auto same = [&](std::uint64_t h) {
    auto x = a.verified_block(h), y = b.verified_block(h);
    return x && y && block_hash(x->header) == block_hash(y->header);
  };
  if (top == 0 || same(top)) return std::nullopt;
  // Block hashes chain: equal at a height means equal below it. Invariant: same at lo, not at hi.
  std::uint64_t lo = 0, hi = top;
  while (hi - lo > 1) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    (same(mid) ? lo : hi) = mid;
  }
  auto blocks_from = [&](const Follower& f) {
    std::vector<Block> out;
    for (std::uint64_t h = hi; h < hi + kDivergenceBlocks; ++h) {
      auto blk = f.verified_block(h);
      if (!blk) break;
      out.push_back(std::move(*blk));
    }
    return out;
  };
  const std::vector<Block> from_a = blocks_from(a), from_b = blocks_from(b);
  if (from_a.empty() || from_b.empty()) return std::nullopt;
  return describe_blocks(from_a, from_b, a.url(), b.url());
}

}  // namespace pv::audit
