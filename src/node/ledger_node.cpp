// The single-process node: LedgerStore + Committer + an Orderer behind the Node facade.

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <unordered_map>

#include "codec/did_key.hpp"
#include "ledger/signer.hpp"
#include "ledger/tx_registry.hpp"
#include "node/committer.hpp"
#include "node/genesis_file.hpp"
#include "node/ledger_compaction.hpp"
#include "node/node.hpp"
#include "node/node_key.hpp"
#include "node/startup_check.hpp"
#include "node/peer_catch_up.hpp"
#include "ordering/embedded_sequencer.hpp"
#include "ordering/etcd_orderer.hpp"

namespace pv {
namespace {

std::uint64_t steady_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

std::uint64_t unix_ms() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

struct TxIdHash {
  std::size_t operator()(const TxId& id) const {
    std::size_t h;
    std::memcpy(&h, id.data(), sizeof h);
    return h;
  }
};

const std::vector<double> kLatencyBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
constexpr std::size_t kRecentCommitted = 1 << 20;

class LedgerNode final : public Node {
 public:
  LedgerNode(NodeConfig config, std::unique_ptr<LedgerStore> store, Genesis genesis, SigningKey key)
      : config_(std::move(config)),
        store_(std::move(store)),
        genesis_(std::move(genesis)),
        network_id_(genesis_network_id(genesis_)),
        key_(std::move(key)),
        origin_(checkpoint_origin(genesis_)),
        latency_counts_(kLatencyBounds.size(), 0) {
    for (const auto& org : genesis_.organizations) members_.insert(org.node_keys.begin(), org.node_keys.end());
  }

  ~LedgerNode() override { shutdown(); }

  Status start() {
    if (auto s = startup_check(*store_, genesis_); !s) {
      refuse_writes("startup check failed: " + s.error().message + " (run `pv verify --data-dir " +
                    config_.data_dir + "` for a full report)");
    } else if (!is_member_node(*store_, key_.public_key())) {
      refuse_writes("this node's key " + did_key_from_public_key(key_.public_key()) +
                    " is not a node of any member organization in the genesis");
    }
    auto committer = Committer::resume(*store_, builtin_tx_registry(), key_);
    if (!committer) {
      refuse_writes("cannot resume committing: " + committer.error().message);
      auto head = store_->head();
      if (head && *head) {
        auto b = store_->block(**head);
        if (b) publish_head(b->header);
      }
    } else {
      committer_ = std::move(*committer);
      publish_head(committer_->head());
      if (config_.ordering == "etcd") {
        PV_TRY(start_etcd_ordering());
      } else {
        orderer_ = std::make_unique<EmbeddedSequencer>(config_.cutting, committer_->head().time_ms);
      }
      orderer_->start([this](OrderedBatch&& batch) { on_batch(std::move(batch)); });
    }
    return Status::ok();
  }

  Status start_etcd_ordering() {
    EtcdOrderingOptions options = config_.etcd;
    options.cutting = config_.cutting;
    options.self_url = config_.advertise_url.empty()
                           ? (config_.tls.enabled() ? "https://" : "http://") + config_.listen
                           : config_.advertise_url;
    if (options.etcd.endpoints.empty())
      return make_error(Errc::invalid_argument, "etcd ordering needs --etcd-endpoints URL[,URL...]");
    auto position = store_->ordering_position();
    if (!position) return position.error();
    std::optional<std::uint64_t> resume = *position;
    if (!resume && committer_->head().height == 0) resume = 0;
    if (resume == kUnknownOrderingPosition) resume.reset();
    peer_client_ = std::make_unique<PeerClient>(key_, config_.peer_ca_file);
    auto etcd = std::make_unique<EtcdOrderer>(
        options, network_id_, key_, members_, resume,
        [this](const std::vector<ProgressRecord>& peers, std::uint64_t compacted) {
          CatchUpContext ctx{*committer_, *peer_client_, members_,
                             [this](CommittedBlock&& b, std::uint64_t position) { after_commit(std::move(b), position, {}); }};
          return catch_up_from_peers(ctx, peers, compacted);
        });
    if (resume) etcd->note_committed(*resume, committer_->head().height, block_hash(committer_->head()));
    etcd_ = etcd.get();
    orderer_ = std::move(etcd);
    divergence_thread_ = std::thread([this] { run_divergence_checks(); });
    return Status::ok();
  }

  std::vector<Result<TxId>> submit(const std::vector<Bytes>& encoded) override {
    std::vector<Result<TxId>> out;
    out.reserve(encoded.size());
    std::vector<std::optional<Transaction>> decoded(encoded.size());
    // Stateless checks first, outside any lock: these run in parallel across API threads.
    for (std::size_t i = 0; i < encoded.size(); ++i) {
      auto r = check_stateless(encoded[i]);
      if (!r) {
        out.push_back(r.error());
        continue;
      }
      decoded[i] = std::move(*r);
      out.push_back(transaction_id(encoded[i]));
    }
    std::vector<OrderedTx> accepted;
    std::uint64_t now = steady_ns();
    Status ordering = orderer_ ? orderer_->health() : Status::ok();
    {
      std::lock_guard lock(mu_);
      for (std::size_t i = 0; i < encoded.size(); ++i) {
        if (!decoded[i]) continue;
        if (!health_message_.empty() || stopping_) {
          out[i] = make_error(Errc::unavailable, health_message_.empty() ? "node is shutting down" : health_message_);
          continue;
        }
        if (!ordering) {
          out[i] = ordering.error();
          continue;
        }
        if (auto s = check_fresh_locked(*out[i], *decoded[i]); !s) {
          out[i] = s.error();
          continue;
        }
        std::string owner = nonce_owner(decoded[i]->signer);
        bool stateless = signature_is_stateless(*builtin_tx_registry().find(decoded[i]->type), *decoded[i]);
        pending_.emplace(*out[i], PendingTx{owner, encoded[i], now});
        auto& max_nonce = pending_nonce_[owner];
        max_nonce = std::max(max_nonce, decoded[i]->nonce);
        ++pending_count_[owner];
        accepted.push_back(OrderedTx{encoded[i], stateless, now});
      }
      // Enqueued under the lock so the order of ordering equals the order of the checks above.
      if (!accepted.empty() && !orderer_->enqueue(std::move(accepted))) {
        // Stopping: the orderer refused, so nothing was queued.
        for (std::size_t i = 0; i < encoded.size(); ++i)
          if (decoded[i] && out[i]) {
            pending_.erase(*out[i]);
            out[i] = make_error(Errc::unavailable, "node is shutting down");
          }
      }
    }
    std::uint64_t refused = 0;
    for (const auto& r : out) refused += r ? 0 : 1;
    rejected_ += refused;
    return out;
  }

  std::vector<std::optional<CommittedTx>> wait_committed(const std::vector<TxId>& ids,
                                                         std::chrono::milliseconds timeout) override {
    std::vector<std::optional<CommittedTx>> out(ids.size());
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(mu_);
    for (;;) {
      bool all = true;
      for (std::size_t i = 0; i < ids.size(); ++i) {
        if (out[i]) continue;
        if (auto it = recent_.find(ids[i]); it != recent_.end()) {
          out[i] = it->second;
        } else if (!pending_.count(ids[i])) {
          lock.unlock();
          out[i] = lookup_committed(ids[i]);
          lock.lock();
          if (!out[i]) {
            // Unknown and not pending: it will never commit.
            continue;
          }
        } else {
          all = false;
        }
      }
      if (all || stopping_) return out;
      if (committed_cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
        for (std::size_t i = 0; i < ids.size(); ++i)
          if (!out[i])
            if (auto it = recent_.find(ids[i]); it != recent_.end()) out[i] = it->second;
        return out;
      }
    }
  }

  Result<TxId> submit_as_node(TxType type, Bytes payload) override {
    // Held across signing and submission: nonces reach the orderer in the order they were taken.
    std::lock_guard own(own_tx_mu_);
    const std::string did = did_key_from_public_key(key_.public_key());
    Transaction tx;
    tx.type = type;
    tx.signer = did;
    // Microseconds since the epoch keep nonces increasing across restarts; the committed nonce
    // covers a clock that stepped back.
    std::uint64_t now_us = unix_ms() * 1000;
    tx.nonce = std::max({own_nonce_ + 1, now_us, committed_nonce(*store_, nonce_owner(did)) + 1});
    tx.created_ms = unix_ms();
    tx.payload = std::move(payload);
    tx.signature = key_.sign(signing_message(network_id_, tx));
    auto r = submit({encode_transaction(tx)});
    if (r[0]) own_nonce_ = tx.nonce;
    return r[0];
  }

  TxView get_tx(const TxId& id) override {
    TxView view;
    {
      std::lock_guard lock(mu_);
      if (auto it = pending_.find(id); it != pending_.end()) {
        view.state = TxState::pending;
        view.encoded = it->second.encoded;
        return view;
      }
    }
    auto committed = lookup_committed(id);
    if (!committed) return view;
    auto block = cached_block(committed->location.height);
    if (!block) return view;
    view.state = TxState::committed;
    view.committed = committed;
    view.encoded = block->transactions[committed->location.index];
    return view;
  }

  Status compact_state() { return store_->compact_state(); }

  Result<Block> get_block(std::uint64_t height) override {
    if (height > info().height) return make_error(Errc::not_found, "no block at height " + std::to_string(height) + " yet");
    return store_->block(height);
  }

  Result<Bytes> get_block_bytes(std::uint64_t height) override {
    if (height > info().height) return make_error(Errc::not_found, "no block at height " + std::to_string(height) + " yet");
    return store_->block_bytes(height);
  }

  std::string checkpoint_note() override {
    std::lock_guard lock(mu_);
    return checkpoint_note_;
  }

  Checkpoint checkpoint() override {
    std::lock_guard lock(mu_);
    return checkpoint_;
  }

  Result<InclusionProof> inclusion_proof(const TxId& id) override {
    auto entry = store_->tx_index(id);
    if (!entry) return entry.error();
    if (!*entry) return make_error(Errc::not_found, "transaction " + id.hex() + " is not committed");
    InclusionProof proof;
    {
      std::lock_guard lock(mu_);
      proof.tree_size = checkpoint_.size;
      proof.root = checkpoint_.root;
      proof.checkpoint = checkpoint_note_;
    }
    proof.log_index = (*entry)->log_index;
    auto leaf = store_->node({0, proof.log_index});
    if (!leaf) return make_error(Errc::corruption, "leaf " + std::to_string(proof.log_index) + " is missing from the log");
    proof.leaf_hash = *leaf;
    auto hashes = merkle_inclusion_proof(*store_, proof.log_index, proof.tree_size);
    if (!hashes) return hashes.error();
    proof.hashes = std::move(*hashes);
    return proof;
  }

  Result<ConsistencyProof> consistency_proof(std::uint64_t size1, std::uint64_t size2) override {
    std::uint64_t size = checkpoint().size;
    if (size1 > size2) return make_error(Errc::invalid_argument, "size1 must not exceed size2");
    if (size2 > size)
      return make_error(Errc::invalid_argument, "size2 " + std::to_string(size2) + " is beyond the log size " +
                                                    std::to_string(size));
    ConsistencyProof p;
    p.size1 = size1;
    p.size2 = size2;
    auto r1 = merkle_root_at(*store_, size1);
    if (!r1) return r1.error();
    auto r2 = merkle_root_at(*store_, size2);
    if (!r2) return r2.error();
    auto hashes = merkle_consistency_proof(*store_, size1, size2);
    if (!hashes) return hashes.error();
    p.root1 = *r1;
    p.root2 = *r2;
    p.hashes = std::move(*hashes);
    return p;
  }

  std::optional<Bytes> read_state(const std::string& key) override { return store_->get(key); }

  NodeInfo info() override {
    NodeInfo i;
    i.did = did_key_from_public_key(key_.public_key());
    i.checkpoint_key = key_.public_key();
    i.checkpoint_key_name = origin_;
    i.network = genesis_.network;
    i.network_id = network_id_;
    i.ordering = config_.ordering == "etcd" ? "etcd" : "embedded";
    i.member_nodes = members_.size();
    std::lock_guard lock(mu_);
    i.height = head_height_;
    i.log_size = checkpoint_.size;
    return i;
  }

  NodeMetrics metrics() override {
    NodeMetrics m;
    m.latency_bounds = kLatencyBounds;
    m.rejected_submissions = rejected_.load();
    std::lock_guard lock(mu_);
    m.committed_tx = committed_tx_;
    m.committed_valid_tx = committed_valid_tx_;
    m.height = head_height_;
    m.queue_depth = pending_.size();  // accepted, not yet committed
    m.latency_counts = latency_counts_;
    m.latency_count = latency_count_;
    m.latency_sum_seconds = latency_sum_;
    if (etcd_) {
      m.cluster.enabled = true;
      m.cluster.etcd = etcd_->stats();
      m.cluster.peers = etcd_->peers().size();
      m.cluster.peer_checks = peer_checks_;
      m.cluster.peer_check_errors = peer_check_errors_;
      m.cluster.divergence = !divergence_peer_.empty();
      m.cluster.divergence_peer = divergence_peer_;
    }
    return m;
  }

  Result<PeerStatus> peer_status(std::uint64_t height) override {
    PeerStatus s;
    {
      std::lock_guard lock(mu_);
      s.height = head_height_;
      s.checkpoint = checkpoint_note_;
    }
    auto block = cached_block(std::min(height, s.height));
    if (!block) return make_error(Errc::io, "cannot read block " + std::to_string(std::min(height, s.height)));
    s.header = block->header;
    s.seal = block->seal;
    return s;
  }

  bool is_member_node_key(const PublicKey& key) override { return members_.count(key) > 0; }

  std::vector<PeerNode> peers() override {
    std::vector<PeerNode> out;
    if (etcd_)
      for (auto& p : etcd_->peers()) out.push_back(PeerNode{p.node_key, std::move(p.url)});
    return out;
  }

  const PeerClient* peer_client() override { return peer_client_.get(); }

  Status health() override {
    {
      std::lock_guard lock(mu_);
      if (!health_message_.empty()) return make_error(Errc::unavailable, health_message_);
      if (stopping_) return make_error(Errc::unavailable, "node is shutting down");
    }
    return orderer_ ? orderer_->health() : Status::ok();
  }

  void shutdown() override {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    if (orderer_) orderer_->stop();  // delivers and commits everything queued
    committed_cv_.notify_all();
    if (divergence_thread_.joinable()) divergence_thread_.join();
    spdlog::info("node stopped at height {}", head_height_);
  }

 private:
  struct PendingTx {
    std::string signer;  // the nonce owner (the signer's DID)
    Bytes encoded;
    std::uint64_t accepted_ns;
  };

  Result<Transaction> check_stateless(const Bytes& encoded) {
    if (encoded.size() > kMaxTxBytes)
      return make_error(Errc::too_large, "transaction is " + std::to_string(encoded.size()) + " bytes, over the limit of " +
                                             std::to_string(kMaxTxBytes));
    auto tx = decode_transaction(encoded);
    if (!tx) return tx.error();
    const TxTypeRules* rules = builtin_tx_registry().find(tx->type);
    if (!rules) return make_error(Errc::invalid_argument, "unknown transaction type " + std::to_string(tx->type));
    if (auto s = rules->check_form(*tx); !s) return make_error(Errc::malformed, rules->name + " payload: " + s.error().message);
    // did:key signers are checked here once and for all; a did:pv key is checked against the
    // committed state now (to answer at once) and again by the committer at its block.
    if (signature_is_stateless(*rules, *tx)) PV_TRY(verify_transaction_signature(network_id_, *tx));
    else PV_TRY(verify_signature_in_state(builtin_tx_registry(), *store_, network_id_, *tx));
    std::uint64_t now = unix_ms();
    if (tx->created_ms > now + kTxMaxFutureMs)
      return make_error(Errc::invalid_argument, "transaction was created more than 5 minutes in the future; check the clock");
    if (tx->created_ms + kTxMaxAgeMs < now)
      return make_error(Errc::invalid_argument, "transaction was created more than 24 hours ago; sign a new one");
    return tx;
  }

  // REQUIRES: mu_ held.
  Status check_fresh_locked(const TxId& id, const Transaction& tx) {
    if (pending_.count(id)) return make_error(Errc::conflict, "transaction " + id.hex() + " was already submitted and is waiting to commit");
    std::string owner = nonce_owner(tx.signer);
    std::uint64_t last = committed_nonce(*store_, owner);
    if (auto it = pending_nonce_.find(owner); it != pending_nonce_.end()) last = std::max(last, it->second);
    if (tx.nonce > last) return Status::ok();
    // A committed transaction's nonce is at most the signer's last nonce, so only a stale nonce
    // can be a replay: look it up to say which.
    auto entry = store_->tx_index(id);
    if (entry && *entry)
      return make_error(Errc::conflict, "transaction " + id.hex() + " is a replay: it was committed at height " +
                                            std::to_string((*entry)->height));
    return make_error(Errc::conflict, "stale nonce " + std::to_string(tx.nonce) + ": the signer's last nonce is " +
                                          std::to_string(last) + "; use a larger one");
  }

  // Recently read blocks, decoded: reads of recent transactions hit the same few blocks.
  std::shared_ptr<const Block> cached_block(std::uint64_t height) {
    {
      std::lock_guard lock(cache_mu_);
      for (const auto& b : block_cache_)
        if (b->header.height == height) return b;
    }
    auto block = store_->block(height);
    if (!block) return nullptr;
    auto shared = std::make_shared<const Block>(std::move(*block));
    std::lock_guard lock(cache_mu_);
    block_cache_.push_front(shared);
    if (block_cache_.size() > kBlockCacheSize) block_cache_.pop_back();
    return shared;
  }

  std::optional<CommittedTx> lookup_committed(const TxId& id) {
    auto entry = store_->tx_index(id);
    if (!entry || !*entry) return std::nullopt;
    auto block = cached_block((*entry)->height);
    if (!block || (*entry)->index >= block->results.size()) return std::nullopt;
    return CommittedTx{id, {(*entry)->height, (*entry)->index, (*entry)->log_index}, block->results[(*entry)->index],
                       block->header.time_ms};
  }

  void refuse_writes(std::string why) {
    spdlog::error("refusing writes: {}", why);
    std::lock_guard lock(mu_);
    if (health_message_.empty()) health_message_ = std::move(why);
  }

  void publish_head(const BlockHeader& h) {
    Checkpoint cp{origin_, h.log_size, h.log_root};
    std::string note = sign_checkpoint(cp, origin_, key_);
    std::lock_guard lock(mu_);
    head_height_ = h.height;
    checkpoint_ = cp;
    checkpoint_note_ = std::move(note);
  }

  // The orderer's delivery thread.
  void on_batch(OrderedBatch&& batch) {
    std::vector<std::uint64_t> accepted_ns;
    accepted_ns.reserve(batch.transactions.size());
    for (const auto& tx : batch.transactions) accepted_ns.push_back(tx.accepted_ns);
    std::optional<std::uint64_t> position = batch.position;
    bool healthy;
    {
      std::lock_guard lock(mu_);
      healthy = health_message_.empty();
    }
    Result<CommittedBlock> committed = healthy ? committer_->commit(std::move(batch))
                                               : Result<CommittedBlock>(make_error(Errc::unavailable, "writes refused"));
    if (!committed) {
      refuse_writes("committing a block failed: " + committed.error().message);
      // Nothing of this batch was acknowledged as committed; forget it so waiters time out
      // and clients resubmit (the nonce rules make a resubmission safe).
      std::lock_guard lock(mu_);
      for (const auto& tx : batch.transactions) pending_.erase(transaction_id(tx.encoded));
      committed_cv_.notify_all();
      return;
    }
    after_commit(std::move(*committed), position.value_or(0), accepted_ns);
  }

  // After a block is durable: publish the head, settle pending transactions, wake waiters.
  // `accepted_ns`: when each transaction was accepted here (empty or 0: not accepted here).
  void after_commit(CommittedBlock&& committed_block, std::uint64_t position,
                    const std::vector<std::uint64_t>& accepted_ns) {
    auto* committed = &committed_block;
    publish_head(committed->block.header);
    // A membership change in this block may have removed this node's key (or its organization):
    // it then seals nothing more, since no verifier accepts a block sealed by a non-member.
    if (!is_member_node(*store_, key_.public_key()))
      refuse_writes("this node's key is no longer a node of a member organization (membership changed in block " +
                    std::to_string(committed->block.header.height) + "); it serves reads only");
    if (orderer_ && position != kUnknownOrderingPosition)
      orderer_->note_committed(position, committed->block.header.height, committed->hash);
    std::uint64_t now = steady_ns();
    std::lock_guard lock(mu_);
    const Block& block = committed->block;
    for (std::size_t i = 0; i < committed->ids.size(); ++i) {
      const TxId& id = committed->ids[i];
      auto it = pending_.find(id);
      if (it != pending_.end()) {
        auto nonce_it = pending_nonce_.find(it->second.signer);
        // Drop the signer's pending high-water mark once nothing of theirs is pending: the
        // committed nonce in state now covers it.
        if (nonce_it != pending_nonce_.end() && --pending_count_[it->second.signer] <= 0) {
          pending_nonce_.erase(nonce_it);
          pending_count_.erase(it->second.signer);
        }
        pending_.erase(it);
      }
      const auto& loc = committed->locations[i];
      remember_locked(CommittedTx{id, {loc.height, loc.index, loc.log_index}, block.results[i], block.header.time_ms});
      if (i < accepted_ns.size() && accepted_ns[i] != 0)
        observe_latency_locked(static_cast<double>(now - accepted_ns[i]) / 1e9);
      ++committed_tx_;
      if (block.results[i].code == TxCode::valid) ++committed_valid_tx_;
    }
    committed_cv_.notify_all();
  }

  void remember_locked(CommittedTx tx) {
    if (recent_.count(tx.id)) return;  // keep the first (original) occurrence
    recent_order_.push_back(tx.id);
    recent_.emplace(tx.id, std::move(tx));
    if (recent_order_.size() > kRecentCommitted) {
      recent_.erase(recent_order_.front());
      recent_order_.pop_front();
    }
  }

  void observe_latency_locked(double seconds) {
    for (std::size_t b = 0; b < kLatencyBounds.size(); ++b)
      if (seconds <= kLatencyBounds[b]) ++latency_counts_[b];
    ++latency_count_;
    latency_sum_ += seconds;
  }

  // Cluster mode: every few seconds, ask each peer for its status at this node's height and
  // compare (node/peer_status.hpp). A difference raises the divergence alarm for good.
  void run_divergence_checks() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      committed_cv_.wait_for(lock, config_.peer_check_interval, [&] { return stopping_; });
      if (stopping_) break;
      std::uint64_t height = head_height_;
      lock.unlock();
      for (const auto& peer : etcd_->peers()) {
        auto body = peer_client_->get(peer.url, "/v1/peer/status?height=" + std::to_string(height));
        Result<std::optional<std::string>> found = make_error(Errc::unavailable, "");
        if (!body) {
          found = body.error();
        } else if (auto status = peer_status_from_json(*body); !status) {
          found = status.error();
        } else {
          found = find_divergence(*store_, height, peer.node_key, origin_, *status);
        }
        std::lock_guard g(mu_);
        if (!found) {
          ++peer_check_errors_;
          continue;
        }
        ++peer_checks_;
        if (*found && divergence_peer_.empty()) {
          divergence_peer_ = peer.url;
          spdlog::critical("DIVERGENCE: this node and peer {} ({}) disagree: {}", peer.url,
                           did_key_from_public_key(peer.node_key), **found);
        }
      }
      lock.lock();
    }
  }

  NodeConfig config_;
  std::unique_ptr<LedgerStore> store_;
  Genesis genesis_;
  NetworkId network_id_;
  SigningKey key_;
  std::mutex own_tx_mu_;       // submit_as_node
  std::uint64_t own_nonce_ = 0;  // last nonce submit_as_node used
  std::string origin_;
  std::unique_ptr<Committer> committer_;
  std::unique_ptr<Orderer> orderer_;
  std::set<PublicKey> members_;  // genesis node keys
  EtcdOrderer* etcd_ = nullptr;  // orderer_ in cluster mode
  std::unique_ptr<PeerClient> peer_client_;
  std::thread divergence_thread_;
  std::uint64_t peer_checks_ = 0, peer_check_errors_ = 0;
  std::string divergence_peer_;

  static constexpr std::size_t kBlockCacheSize = 32;
  std::mutex cache_mu_;
  std::deque<std::shared_ptr<const Block>> block_cache_;

  std::mutex mu_;
  std::condition_variable committed_cv_;
  std::unordered_map<TxId, PendingTx, TxIdHash> pending_;
  std::unordered_map<std::string, std::uint64_t> pending_nonce_;
  std::unordered_map<std::string, std::int64_t> pending_count_;
  std::unordered_map<TxId, CommittedTx, TxIdHash> recent_;
  std::deque<TxId> recent_order_;
  std::string health_message_;
  bool stopping_ = false;
  std::uint64_t head_height_ = 0;
  Checkpoint checkpoint_;
  std::string checkpoint_note_;
  std::uint64_t committed_tx_ = 0, committed_valid_tx_ = 0;
  std::atomic<std::uint64_t> rejected_{0};
  std::vector<std::uint64_t> latency_counts_;
  std::uint64_t latency_count_ = 0;
  double latency_sum_ = 0;
};

Result<Genesis> load_or_init_genesis(const NodeConfig& config, LedgerStore& store, const SigningKey& key) {
  auto head = store.head();
  if (!head) return head.error();
  if (*head) {
    auto bytes = store.genesis_bytes();
    if (!bytes) return bytes.error();
    auto stored = decode_genesis(*bytes);
    if (!stored) return make_error(Errc::corruption, "stored genesis does not decode: " + stored.error().message);
    if (!config.genesis_file.empty()) {
      auto given = read_genesis_file(config.genesis_file);
      if (!given) return given.error();
      if (genesis_network_id(*given) != genesis_network_id(*stored))
        return make_error(Errc::invalid_argument, "the data directory belongs to network \"" + stored->network +
                                                      "\", not to the one in " + config.genesis_file);
    }
    return stored;
  }
  Genesis g;
  if (!config.genesis_file.empty()) {
    auto given = read_genesis_file(config.genesis_file);
    if (!given) return given.error();
    g = std::move(*given);
  } else {
    g = development_genesis(config.network, key.public_key(), unix_ms());
    std::ofstream(config.data_dir + "/genesis.json") << genesis_to_json(g);
    spdlog::info("created a single-node development network \"{}\" (genesis in {}/genesis.json)", g.network,
                 config.data_dir);
  }
  PV_TRY(commit_genesis_block(store, g, key));
  return g;
}

}  // namespace

Status compact_ledger_state(Node& node) {
  auto* local = dynamic_cast<LedgerNode*>(&node);
  if (local == nullptr)
    return make_error(Errc::unavailable, "this node keeps no local ledger state to compact");
  return local->compact_state();
}

Result<std::unique_ptr<Node>> Node::open(const NodeConfig& config) {
  crypto_init();
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return make_error(Errc::io, "cannot create data directory " + config.data_dir + ": " + ec.message());
  ::chmod(config.data_dir.c_str(), 0700);
  auto key = load_or_create_node_key(config.data_dir, config.key_passphrase, config.key_kdf);
  if (!key) return key.error();
  auto store = LedgerStore::open(config.data_dir + "/ledger", LedgerStore::Mode::read_write,
                                 LedgerStoreOptions{.sync_writes = config.sync_writes});
  if (!store) return store.error();
  auto genesis = load_or_init_genesis(config, **store, *key);
  if (!genesis) return genesis.error();
  auto node = std::make_unique<LedgerNode>(config, std::move(*store), std::move(*genesis), std::move(*key));
  PV_TRY(node->start());
  return std::unique_ptr<Node>(std::move(node));
}

}  // namespace pv
