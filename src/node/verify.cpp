#include "node/verify.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>
#include <unordered_map>

#include "ledger/executor.hpp"
#include "ledger/genesis.hpp"
#include "ledger/merkle_memory.hpp"
#include "storage/ledger_store.hpp"

namespace pv {
namespace {

class MemoryState : public StateView {
 public:
  std::optional<Bytes> get(const std::string& key) const override {
    auto it = values.find(key);
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
  void apply(const std::vector<StateChange>& changes, std::uint64_t height) {
    for (const auto& c : changes) {
      if (c.value) values[c.key] = *c.value;
      else values.erase(c.key);
      last_writer[c.key] = height;
    }
  }
  std::map<std::string, Bytes> values;
  std::unordered_map<std::string, std::uint64_t> last_writer;
};

// Verifies every signature of a block on all cores; checked[i] is true where it verified.
std::vector<bool> check_signatures(const NetworkId& network, const std::vector<Bytes>& txs) {
  std::vector<char> ok(txs.size(), 0);
  unsigned threads = std::max(1u, std::min(std::thread::hardware_concurrency(), 8u));
  auto work = [&](unsigned t) {
    for (std::size_t i = t; i < txs.size(); i += threads) {
      auto tx = decode_transaction(txs[i]);
      ok[i] = tx && verify_transaction_signature(network, *tx).is_ok();
    }
  };
  if (txs.size() < 64 || threads == 1) {
    threads = 1;
    work(0);
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work, t);
    for (auto& th : pool) th.join();
  }
  return std::vector<bool>(ok.begin(), ok.end());
}

struct Replay {
  const LedgerStore& store;
  VerifyReport& report;
  Genesis genesis;
  NetworkId network;
  MemoryState state;
  InMemoryMerkleNodes merkle;
  MerkleFrontier frontier;
  std::unordered_map<std::string, TxIndexEntry> expected_index;  // key: raw tx id bytes
  std::vector<std::uint64_t> log_end;  // log_end[h] = log size after block h
  std::optional<BlockHeader> last;     // header of the last block that checked out

  bool fail(std::optional<std::uint64_t> block, std::string why) {
    report.ok = false;
    report.first_bad_block = block;
    report.problem = std::move(why);
    return false;
  }

  bool check_block(std::uint64_t h) {
    const BlockHeader* prev = last ? &*last : nullptr;
    std::string at = "block " + std::to_string(h) + ": ";
    auto bytes = store.block_bytes(h);
    if (!bytes) return fail(h, at + "cannot be read: " + bytes.error().message);
    auto block = decode_block(*bytes);
    if (!block) return fail(h, at + "does not decode: " + block.error().message);
    const BlockHeader& hd = block->header;
    if (hd.height != h) return fail(h, at + "header says height " + std::to_string(hd.height));
    if (hd.network != network) return fail(h, at + "belongs to another network");
    if (auto s = verify_block_seal(hd, block->seal); !s) return fail(h, at + "seal: " + s.error().message);
    if (!state.get(node_key_state_key(block->seal.node_key)) && h > 0)
      return fail(h, at + "sealed by a key that is not a member node");
    std::vector<StateChange> changes;
    if (h == 0) {
      Block expected = make_genesis_block(genesis);
      if (encode_block_header(hd) != encode_block_header(expected.header))
        return fail(h, at + "is not the block the genesis makes");
      changes = genesis_state_changes(genesis);
      state.apply(changes, 0);
      if (!state.get(node_key_state_key(block->seal.node_key)))
        return fail(h, at + "sealed by a key that is not a member node");
      log_end.push_back(0);
      last = hd;
      return true;
    }
    if (hd.prev_hash != block_hash(*prev)) return fail(h, at + "previous-block hash does not match block " + std::to_string(h - 1));
    if (hd.time_ms < prev->time_ms) return fail(h, at + "time goes backwards");
    auto checked = check_signatures(network, block->transactions);
    ExecutionInput input{network, h, hd.time_ms, block->transactions, &checked};
    BlockExecution exec = execute_block(builtin_tx_registry(), state, input);
    for (std::size_t i = 0; i < exec.results.size(); ++i) {
      if (exec.results[i].code != block->results[i].code || exec.results[i].reason != block->results[i].reason)
        return fail(h, at + "transaction " + std::to_string(i) + " is recorded as " +
                           tx_code_name(block->results[i].code) + " but replays as " + tx_code_name(exec.results[i].code) +
                           (exec.results[i].reason.empty() ? "" : " (" + exec.results[i].reason + ")"));
    }
    std::vector<MerkleNode> nodes;
    for (std::uint32_t i = 0; i < block->transactions.size(); ++i) {
      const TxId& id = exec.ids[i];  // computed by the replay above
      std::string key(as_chars(id.view()));
      expected_index.try_emplace(key, TxIndexEntry{h, i, frontier.size()});
      frontier.append(merkle_leaf_hash(block->transactions[i]), nodes);
    }
    merkle.add(nodes);
    if (hd.log_size != frontier.size())
      return fail(h, at + "log size " + std::to_string(hd.log_size) + " but the transactions make " + std::to_string(frontier.size()));
    if (hd.log_root != frontier.root()) return fail(h, at + "log root does not match the recomputed Merkle log");
    Hash32 digest = chain_state_digest(prev->state_digest, exec.changes);
    if (hd.state_digest != digest) return fail(h, at + "state digest does not match the replayed state changes");
    state.apply(exec.changes, h);
    report.transactions += block->transactions.size();
    log_end.push_back(frontier.size());
    last = hd;
    return true;
  }

  std::uint64_t block_of_leaf(std::uint64_t leaf) const {
    return static_cast<std::uint64_t>(std::upper_bound(log_end.begin(), log_end.end(), leaf) - log_end.begin());
  }

  bool check_stored_state() {
    std::size_t seen = 0;
    bool ok = true;
    auto s = store.for_each_state([&](std::string_view key, ByteView value) {
      std::string k(key);
      auto it = state.values.find(k);
      if (it == state.values.end()) {
        ok = fail(std::nullopt, "stored state has key \"" + k + "\" that no block wrote");
        return false;
      }
      if (!std::equal(it->second.begin(), it->second.end(), value.begin(), value.end())) {
        std::uint64_t h = state.last_writer[k];
        ok = fail(h, "block " + std::to_string(h) + ": stored state value of \"" + k + "\" differs from the replay");
        return false;
      }
      ++seen;
      return true;
    });
    if (!s) return fail(std::nullopt, "reading stored state: " + s.error().message);
    if (ok && seen != state.values.size()) {
      for (const auto& [k, v] : state.values)
        if (!store.get(k)) {
          std::uint64_t h = state.last_writer[k];
          return fail(h, "block " + std::to_string(h) + ": state key \"" + k + "\" is missing from the store");
        }
    }
    return ok;
  }

  bool check_stored_index() {
    std::size_t seen = 0;
    bool ok = true;
    auto s = store.for_each_tx_index([&](ByteView key, ByteView value) {
      auto it = expected_index.find(std::string(as_chars(key)));
      if (it == expected_index.end()) {
        ok = fail(std::nullopt, "transaction index has an entry " + to_hex(key) + " for no committed transaction");
        return false;
      }
      auto entry = decode_tx_index_entry(value);
      if (!entry || !(*entry == it->second)) {
        ok = fail(it->second.height, "block " + std::to_string(it->second.height) + ": transaction index entry of " +
                                         to_hex(key) + " is wrong");
        return false;
      }
      ++seen;
      return true;
    });
    if (!s) return fail(std::nullopt, "reading the transaction index: " + s.error().message);
    if (ok && seen != expected_index.size()) {
      for (const auto& [k, e] : expected_index)
        if (auto got = store.tx_index(*TxId::from(as_bytes(k))); !got || !*got)
          return fail(e.height, "block " + std::to_string(e.height) + ": transaction " + to_hex(as_bytes(k)) +
                                    " is missing from the index");
    }
    return ok;
  }

  bool check_stored_merkle() {
    bool ok = true;
    auto s = store.for_each_merkle_node([&](MerkleNodeId id, ByteView value) {
      if (id.level > 63) {
        ok = fail(std::nullopt, "the Merkle node store has a malformed key");
        return false;
      }
      auto expected = merkle.node(id);
      std::uint64_t h = block_of_leaf(((id.index + 1) << id.level) - 1);
      if (!expected || !std::equal(expected->bytes.begin(), expected->bytes.end(), value.begin(), value.end())) {
        ok = fail(h, "block " + std::to_string(h) + ": stored Merkle node (level " + std::to_string(id.level) + ", index " +
                         std::to_string(id.index) + ") differs from the recomputed log");
        return false;
      }
      return true;
    });
    if (!s) return fail(std::nullopt, "reading Merkle nodes: " + s.error().message);
    return ok;
  }
};

}  // namespace

Result<VerifyReport> verify_data_dir(const std::string& data_dir) {
  auto started = std::chrono::steady_clock::now();
  crypto_init();
  auto store = LedgerStore::open(data_dir + "/ledger", LedgerStore::Mode::read_only);
  if (!store) return store.error();
  VerifyReport report;
  report.ok = true;
  auto finish = [&]() {
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
  };
  auto head = (*store)->head();
  if (!head) {
    report.ok = false;
    report.problem = head.error().message;
    return finish();
  }
  if (!*head) {
    report.ok = false;
    report.problem = "the ledger is empty (no genesis block)";
    return finish();
  }
  auto genesis_bytes = (*store)->genesis_bytes();
  auto genesis = genesis_bytes ? decode_genesis(*genesis_bytes) : Result<Genesis>(genesis_bytes.error());
  if (!genesis) {
    report.ok = false;
    report.first_bad_block = 0;
    report.problem = "block 0: stored genesis is unreadable: " + genesis.error().message;
    return finish();
  }
  Replay replay{**store, report, *genesis, genesis_network_id(*genesis), {}, {}, {}, {}, {}, {}};
  for (std::uint64_t h = 0; h <= **head; ++h) {
    if (!replay.check_block(h)) return finish();
    report.blocks = h + 1;
  }
  if (!replay.check_stored_state() || !replay.check_stored_index() || !replay.check_stored_merkle()) return finish();
  report.log_size = replay.frontier.size();
  report.log_root_hex = replay.frontier.root().hex();
  report.state_digest_hex = replay.last->state_digest.hex();
  return finish();
}

}  // namespace pv
