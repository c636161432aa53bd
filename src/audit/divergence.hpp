#pragma once
// Where two nodes' histories part (docs/audit.md, "Following and alarms"). When the checkpoints
// of two followed nodes disagree, the auditor looks in the two ledgers it verified for the first
// height whose blocks differ (block hashes chain, so a binary search finds it) and says what
// differs there: transactions one block has and the other lacks (a node that dropped or
// invented a transaction), the same transactions in another order, or other verdicts.

#include <cstdint>
#include <optional>
#include <string>

#include "audit/follower.hpp"

namespace pv::audit {

struct Divergence {
  std::uint64_t height = 0;  // the first height whose blocks differ
  std::string what;          // "dropped: <a>'s ledger from block 5 on lacks 1 transaction ..."
  bool dropped = false;      // a's blocks lack transactions of b's and have none b's lack
};

// Compares a's and b's blocks from the height where they part (a.front() and b.front(), same
// height) up to the ends of both lists, naming the nodes `name_a` and `name_b`: a transaction
// counts as lacking only if it is in none of a's blocks (a node that dropped one commits the
// next in its place, so its later blocks are shifted, not invented).
// REQUIRES: a and b non-empty.
Divergence describe_blocks(const std::vector<Block>& a, const std::vector<Block>& b,
                           const std::string& name_a, const std::string& name_b);

// Blocks of each side read from the parting height on to describe a divergence.
constexpr std::uint64_t kDivergenceBlocks = 64;

// The first height up to both followers' verified heads where their blocks differ, described with
// up to kDivergenceBlocks blocks of each from there; nullopt when the verified ledgers agree so far.
std::optional<Divergence> find_divergence(const Follower& a, const Follower& b);

}  // namespace pv::audit
