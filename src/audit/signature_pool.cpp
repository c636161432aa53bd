#include "audit/signature_pool.hpp"

#include <algorithm>

#include "codec/binary.hpp"
#include "crypto/sha256.hpp"
#include "ledger/signer.hpp"
#include "ledger/tx_registry.hpp"

namespace pv::audit {

// Transactions per chunk: small enough that two threads finish a block together, large enough
// that claiming a chunk costs nothing next to verifying it.
constexpr std::size_t kChunk = 16;
// Checks kept after they finished, for the other followers of the same block.
constexpr std::size_t kRecentChecks = 64;

struct SignatureCheck {
  NetworkId network;
  std::vector<Bytes> txs;
  std::vector<char> verdicts;  // char, not bool: chunks are written from several threads
  std::size_t chunks = 0;
  std::size_t next = 0;  // the next chunk to claim; guarded by the pool's mutex
  std::size_t done = 0;  // chunks finished; guarded by the pool's mutex
};

namespace {

void check_range(const NetworkId& network, const std::vector<Bytes>& txs, std::size_t from,
                 std::size_t to, char* out) {
  const TxRegistry& registry = builtin_tx_registry();
  for (std::size_t i = from; i < to; ++i) {
    auto tx = decode_transaction(txs[i]);
    if (!tx) continue;
    const TxTypeRules* rules = registry.find(tx->type);
    if (rules == nullptr || !signature_is_stateless(*rules, *tx)) continue;
    out[i] = verify_transaction_signature(network, *tx).is_ok() ? 1 : 0;
  }
}

void run_chunk(SignatureCheck& c, std::size_t chunk) {
  const std::size_t from = chunk * kChunk;
  check_range(c.network, c.txs, from, std::min(c.txs.size(), from + kChunk), c.verdicts.data());
}

// The cache key: the network and every transaction's exact bytes, length-prefixed.
Hash32 bytes_digest(const NetworkId& network, const std::vector<Bytes>& txs) {
  Sha256 h;
  h.update(network.view());
  BinaryWriter length;
  for (const auto& tx : txs) {
    length.clear();
    length.u64(tx.size());
    h.update(length.bytes());
    h.update(tx);
  }
  return h.finish();
}

}  // namespace

SignaturePool::SignaturePool(unsigned workers) {
  if (workers == 0) workers = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < workers; ++i) workers_.emplace_back([this] { work(); });
}

SignaturePool::~SignaturePool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

std::shared_ptr<SignatureCheck> SignaturePool::submit(const NetworkId& network,
                                                      const std::vector<Bytes>& txs) {
  const Hash32 key = bytes_digest(network, txs);
  auto check = std::make_shared<SignatureCheck>();
  {
    std::lock_guard lock(mu_);
    if (auto it = recent_.find(key); it != recent_.end()) {
      ++shared_;
      return it->second;
    }
    check->network = network;
    check->txs = txs;
    check->verdicts.assign(txs.size(), 0);
    check->chunks = (txs.size() + kChunk - 1) / kChunk;
    ++checked_;
    recent_.emplace(key, check);
    recent_order_.push_back(key);
    while (recent_order_.size() > kRecentChecks) {
      recent_.erase(recent_order_.front());
      recent_order_.pop_front();
    }
    if (check->chunks > 0) queue_.push_back(check);
  }
  work_cv_.notify_all();
  return check;
}

bool SignaturePool::claim(SignatureCheck& check, std::size_t& chunk) {
  if (check.next >= check.chunks) return false;
  chunk = check.next++;
  if (check.next == check.chunks) {
    auto it = std::find_if(queue_.begin(), queue_.end(),
                           [&](const auto& c) { return c.get() == &check; });
    if (it != queue_.end()) queue_.erase(it);
  }
  return true;
}

void SignaturePool::finish_chunk(SignatureCheck& check) {
  bool finished = false;
  {
    std::lock_guard lock(mu_);
    finished = ++check.done == check.chunks;
  }
  if (finished) done_cv_.notify_all();
}

void SignaturePool::work() {
  while (true) {
    std::shared_ptr<SignatureCheck> check;
    std::size_t chunk = 0;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      check = queue_.front();  // keeps the check alive while its chunk runs
      if (!claim(*check, chunk)) continue;
    }
    run_chunk(*check, chunk);
    finish_chunk(*check);
  }
}

std::vector<bool> SignaturePool::wait(SignatureCheck& check) {
  while (true) {
    std::size_t chunk = 0;
    {
      std::unique_lock lock(mu_);
      if (!claim(check, chunk)) {
        done_cv_.wait(lock, [&] { return check.done == check.chunks; });
        break;
      }
    }
    run_chunk(check, chunk);
    finish_chunk(check);
  }
  return std::vector<bool>(check.verdicts.begin(), check.verdicts.end());
}

std::uint64_t SignaturePool::checked_blocks() const {
  std::lock_guard lock(mu_);
  return checked_;
}

std::uint64_t SignaturePool::shared_blocks() const {
  std::lock_guard lock(mu_);
  return shared_;
}

std::vector<bool> precheck_signatures(const NetworkId& network, const std::vector<Bytes>& txs) {
  SignaturePool pool(1);
  auto check = pool.submit(network, txs);
  return pool.wait(*check);
}

}  // namespace pv::audit
