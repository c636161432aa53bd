#include "ordering/etcd_orderer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "ordering/node_batch.hpp"

namespace pv {
namespace {

std::uint64_t unix_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

constexpr auto kRetryMin = std::chrono::milliseconds(100);
constexpr auto kRetryMax = std::chrono::milliseconds(1000);

}  // namespace

EtcdOrderer::EtcdOrderer(EtcdOrderingOptions options, NetworkId network, SigningKey node_key,
                         std::set<PublicKey> members, std::optional<std::uint64_t> position,
                         CatchUp catch_up)
    : options_(std::move(options)),
      network_(network),
      key_(std::move(node_key)),
      members_(std::move(members)),
      prefix_("pv/" + network_.hex() + "/"),
      catch_up_(std::move(catch_up)),
      etcd_(options_.etcd),
      next_seq_(unix_ms() * 1000),
      applied_(position) {
  committed_.node_key = key_.public_key();
  committed_.url = options_.self_url;
  if (position) committed_.revision = *position;
}

EtcdOrderer::~EtcdOrderer() {
  stop();
}

void EtcdOrderer::start(Deliver deliver) {
  deliver_ = std::move(deliver);
  putter_ = std::thread([this] { run_putter(); });
  watcher_ = std::thread([this] { run_watcher(); });
  housekeeper_ = std::thread([this] { run_housekeeping(); });
}

bool EtcdOrderer::enqueue(std::vector<OrderedTx>&& txs) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    if (queue_.empty()) oldest_ = std::chrono::steady_clock::now();
    for (auto& tx : txs) {
      queued_bytes_ += tx.encoded.size();
      queue_.push_back(std::move(tx));
    }
  }
  cv_.notify_all();
  return true;
}

std::uint64_t EtcdOrderer::queue_depth() const {
  std::lock_guard lock(mu_);
  std::uint64_t n = queue_.size();
  for (const auto& [seq, txs] : in_flight_) n += txs.size();
  return n;
}

Status EtcdOrderer::health() const {
  std::lock_guard lock(mu_);
  if (stats_.nospace)
    return make_error(
        Errc::unavailable,
        "the etcd cluster is out of space (NOSPACE alarm): writes are refused until compaction and "
        "defragmentation free space and the alarm is disarmed (see docs/cluster.md)");
  if (!catch_up_status_.empty()) return make_error(Errc::unavailable, catch_up_status_);
  if (!put_failure_.empty())
    return make_error(
        Errc::unavailable,
        "etcd ordering is unavailable, so writes are refused rather than risk a fork: " +
            put_failure_);
  return Status::ok();
}

void EtcdOrderer::note_committed(std::uint64_t position, std::uint64_t height,
                                 const Hash32& block_hash) {
  std::lock_guard lock(mu_);
  committed_.revision = position;
  committed_.height = height;
  committed_.block_hash = block_hash;
}

std::vector<ProgressRecord> EtcdOrderer::peers() const {
  std::lock_guard lock(mu_);
  return peers_;
}

EtcdOrderingStats EtcdOrderer::stats() const {
  std::lock_guard lock(mu_);
  EtcdOrderingStats s = stats_;
  s.applied_revision = applied_.value_or(0);
  return s;
}

void EtcdOrderer::set_put_failure(std::string why) {
  std::lock_guard lock(mu_);
  if (put_failure_.empty()) spdlog::warn("etcd ordering unavailable: {}", why);
  put_failure_ = std::move(why);
  ++stats_.put_failures;
}

// --- putting this node's batches -------------------------------------------------------------

void EtcdOrderer::run_putter() {
  const std::size_t max_bytes =
      std::min<std::size_t>(options_.cutting.max_bytes, kMaxNodeBatchBytes);
  const std::string key = prefix_ + "b/" + key_.public_key().hex();
  auto backoff = kRetryMin;
  std::unique_lock lock(mu_);
  for (;;) {
    if (queue_.empty()) {
      if (stopping_) break;
      if (!put_failure_.empty()) {
        // Nothing to write, but writes are refused until etcd answers again: probe it.
        lock.unlock();
        std::uint64_t rev = 0;
        auto probe = etcd_.range_prefix(prefix_ + "p/", &rev);
        lock.lock();
        if (probe) {
          if (!put_failure_.empty()) spdlog::info("etcd ordering available again");
          put_failure_.clear();
          continue;
        }
        cv_.wait_for(lock, backoff, [&] { return stopping_ || !queue_.empty(); });
        continue;
      }
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      continue;
    }
    auto full = [&] {
      return queue_.size() >= options_.cutting.max_transactions || queued_bytes_ >= max_bytes;
    };
    if (!full() && !stopping_) {
      auto deadline = oldest_ + options_.cutting.timeout;
      if (!cv_.wait_until(lock, deadline, [&] { return stopping_ || full(); }) &&
          std::chrono::steady_clock::now() < deadline)
        continue;
    }
    // Cut: as many as fit the batch limits.
    NodeBatch batch;
    std::vector<OrderedTx> local;
    std::size_t tx_bytes = 0;
    while (!queue_.empty() && local.size() < options_.cutting.max_transactions) {
      std::size_t size = queue_.front().encoded.size();
      if (!local.empty() && node_batch_size(local.size() + 1, tx_bytes + size) > max_bytes) break;
      tx_bytes += size;
      local.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    queued_bytes_ -= tx_bytes;
    if (!queue_.empty()) oldest_ = std::chrono::steady_clock::now();
    batch.node_key = key_.public_key();
    batch.seq = next_seq_++;
    last_time_ms_ = std::max(last_time_ms_, unix_ms());
    batch.time_ms = last_time_ms_;
    batch.transactions.reserve(local.size());
    for (const auto& tx : local) batch.transactions.push_back(tx.encoded);
    Bytes encoded = encode_node_batch(network_, batch, key_);
    in_flight_.emplace(batch.seq, std::move(local));
    // Retry the same bytes until etcd takes them: a retry after an uncertain failure may order
    // the batch twice, and the committer refuses the second copy's transactions as duplicates.
    for (;;) {
      lock.unlock();
      auto rev = etcd_.put(as_bytes(key), encoded);
      lock.lock();
      if (rev) {
        ++stats_.batches_put;
        if (!put_failure_.empty()) spdlog::info("etcd ordering available again");
        put_failure_.clear();
        backoff = kRetryMin;
        break;
      }
      lock.unlock();
      if (EtcdClient::is_nospace(rev.error())) {
        std::lock_guard g(mu_);
        stats_.nospace = true;
      }
      set_put_failure(rev.error().message);
      lock.lock();
      if (watch_stop_) break;  // stopping for good: what was not written stays unacknowledged
      cv_.wait_for(lock, backoff, [&] { return watch_stop_.load(); });
      backoff =
          std::min(backoff * 2, std::chrono::duration_cast<std::chrono::milliseconds>(kRetryMax));
    }
  }
  putter_done_ = true;
  cv_.notify_all();
}

// --- following etcd --------------------------------------------------------------------------

void EtcdOrderer::deliver_batch(const EtcdKeyValue& kv) {
  auto decoded = decode_node_batch(kv.value, network_, members_);
  if (!decoded || decoded->transactions.empty()) {
    std::lock_guard lock(mu_);
    ++stats_.batches_skipped;
    applied_ = kv.mod_revision;
    spdlog::warn("skipping the etcd batch at revision {}: {}", kv.mod_revision,
                 decoded ? "it holds no transactions" : decoded.error().message);
    return;
  }
  OrderedBatch batch;
  batch.time_ms = decoded->time_ms;
  batch.position = kv.mod_revision;
  batch.transactions.reserve(decoded->transactions.size());
  std::vector<OrderedTx> local;
  if (decoded->node_key == key_.public_key()) {
    std::lock_guard lock(mu_);
    if (auto it = in_flight_.find(decoded->seq); it != in_flight_.end()) {
      local = std::move(it->second);
      in_flight_.erase(it);
    }
  }
  bool ours = local.size() == decoded->transactions.size();
  for (std::size_t i = 0; i < decoded->transactions.size(); ++i) {
    OrderedTx tx{std::move(decoded->transactions[i]), false, 0};
    if (ours) {
      tx.signature_checked = local[i].signature_checked;
      tx.accepted_ns = local[i].accepted_ns;
    }
    batch.transactions.push_back(std::move(tx));
  }
  deliver_(std::move(batch));
  std::lock_guard lock(mu_);
  applied_ = kv.mod_revision;
  cv_.notify_all();
}

bool EtcdOrderer::follow(std::uint64_t from) {
  auto end = etcd_.watch_prefix(prefix_ + "b/", from, [this](std::vector<EtcdKeyValue>&& events) {
    for (const auto& kv : events) {
      if (watch_stop_) return false;
      std::uint64_t applied;
      {
        std::lock_guard lock(mu_);
        applied = applied_.value_or(0);
      }
      if (kv.mod_revision <= applied) continue;  // a reopened watch may repeat the last group
      deliver_batch(kv);
    }
    return !watch_stop_;
  });
  if (!end) {
    spdlog::warn("etcd watch: {}", end.error().message);
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, kRetryMin * 5, [&] { return watch_stop_.load(); });
    return true;
  }
  if (end->compact_revision) {
    std::lock_guard lock(mu_);
    stats_.compacted_revision = std::max(stats_.compacted_revision, end->compact_revision);
    spdlog::warn(
        "etcd compacted revisions up to {} before this node read them: catching up from peers",
        end->compact_revision);
    return false;
  }
  return true;
}

Status EtcdOrderer::catch_up_now() {
  std::uint64_t head = 0;
  auto records = read_progress(&head);
  if (!records) return records.error();
  std::vector<ProgressRecord> others;
  for (auto& r : *records)
    if (r.node_key != key_.public_key()) others.push_back(r);
  std::uint64_t compacted;
  {
    std::lock_guard lock(mu_);
    compacted = stats_.compacted_revision;
  }
  if (others.empty() && committed_.height == 0) {
    // A brand-new network: nothing to catch up with if no batch of it was ever written.
    auto batches = etcd_.range_prefix(prefix_ + "b/");
    if (!batches) return batches.error();
    if (batches->empty()) {
      std::lock_guard lock(mu_);
      applied_ = compacted ? compacted - 1 : 0;
      return Status::ok();
    }
  }
  auto reached = catch_up_(others, compacted);
  if (!reached) return reached.error();
  std::lock_guard lock(mu_);
  applied_ = *reached;
  ++stats_.catch_ups;
  return Status::ok();
}

void EtcdOrderer::run_watcher() {
  bool need_catch_up = !applied_.has_value();
  auto backoff = kRetryMin;
  while (!watch_stop_) {
    if (need_catch_up) {
      {
        std::lock_guard lock(mu_);
        catch_up_status_ =
            "catching up from peers after etcd compacted the revisions this node still needed";
      }
      Status s = catch_up_now();
      std::unique_lock lock(mu_);
      if (!s) {
        catch_up_status_ = "catching up from peers failed (retrying): " + s.error().message;
        spdlog::warn("{}", catch_up_status_);
        cv_.wait_for(lock, backoff, [&] { return watch_stop_.load(); });
        backoff = std::min(backoff * 2,
                           std::chrono::duration_cast<std::chrono::milliseconds>(kRetryMax) * 5);
        continue;
      }
      catch_up_status_.clear();
      need_catch_up = false;
      backoff = kRetryMin;
      spdlog::info("caught up from peers; following etcd from revision {}", *applied_ + 1);
    }
    std::uint64_t from;
    {
      std::lock_guard lock(mu_);
      from = applied_.value_or(0) + 1;
    }
    need_catch_up = !follow(from);
  }
}

// --- housekeeping ----------------------------------------------------------------------------

Result<std::vector<ProgressRecord>> EtcdOrderer::read_progress(std::uint64_t* revision) {
  auto kvs = etcd_.range_prefix(prefix_ + "p/", revision);
  if (!kvs) return kvs.error();
  std::vector<ProgressRecord> out;
  for (const auto& kv : *kvs) {
    auto r = decode_progress_record(kv.value, members_);
    if (r)
      out.push_back(std::move(*r));
    else
      spdlog::warn("ignoring a progress record in etcd: {}", r.error().message);
  }
  return out;
}

void EtcdOrderer::run_housekeeping() {
  const std::string my_key = prefix_ + "p/" + key_.public_key().hex();
  std::optional<ProgressRecord> published;
  auto last_defrag = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  while (!watch_stop_) {
    cv_.wait_for(lock, options_.housekeeping_interval, [&] { return watch_stop_.load(); });
    if (watch_stop_) break;
    ProgressRecord mine = committed_;
    bool nospace = stats_.nospace;
    lock.unlock();

    if (!published || published->revision != mine.revision || published->height != mine.height) {
      if (etcd_.put(as_bytes(my_key), encode_progress_record(mine, key_))) published = mine;
    }
    std::uint64_t head = 0;
    auto records = read_progress(&head);
    std::uint64_t target = 0;
    if (records) {
      // Compact to the smallest revision a live node still needs; a node more than
      // retain_revisions behind no longer holds it back (it catches up from peers).
      for (const auto& r : *records)
        if (r.revision + options_.retain_revisions >= head && (target == 0 || r.revision < target))
          target = r.revision;
    }
    auto alarms = etcd_.alarms();
    bool alarm = alarms && std::any_of(alarms->begin(), alarms->end(),
                                       [](const EtcdAlarm& a) { return a.alarm == "NOSPACE"; });
    // Under NOSPACE no node can publish progress, so the records above stop where the alarm
    // began and compacting to them frees nothing new: etcd fills again on the first write after
    // each disarm. Compact up to what this node has committed instead; a peer behind that point
    // gets "compacted" from its watch and catches up from the other nodes' blocks.
    if (alarm && mine.revision > target) target = mine.revision;
    lock.lock();
    if (records) {
      peers_.clear();
      for (auto& r : *records)
        if (r.node_key != key_.public_key()) peers_.push_back(std::move(r));
    }
    std::uint64_t compacted = stats_.compacted_revision;
    if (alarms) stats_.nospace = alarm;
    lock.unlock();

    if (target > compacted && (target - compacted >= options_.compact_min_revisions || alarm)) {
      if (Status s = etcd_.compact(target); s) {
        lock.lock();
        stats_.compacted_revision = std::max(stats_.compacted_revision, target);
        lock.unlock();
        spdlog::info("etcd compacted to revision {}", target);
      } else {
        spdlog::warn("etcd compaction to {} failed: {}", target, s.error().message);
      }
    }
    bool periodic = options_.defrag_interval.count() > 0 &&
                    std::chrono::steady_clock::now() - last_defrag >= options_.defrag_interval;
    if (alarm || periodic) {
      last_defrag = std::chrono::steady_clock::now();
      bool all = true;
      for (std::size_t i = 0; i < etcd_.endpoint_count(); ++i) {
        if (Status s = etcd_.defragment(i); !s) {
          all = false;
          spdlog::warn("defragmenting etcd member {} failed: {}", etcd_.endpoint(i),
                       s.error().message);
        }
      }
      if (alarm && all) {
        if (Status s = etcd_.disarm_alarms(); s) {
          spdlog::info(
              "etcd space freed by compaction and defragmentation; NOSPACE alarm disarmed");
          lock.lock();
          stats_.nospace = false;
          put_failure_.clear();
          lock.unlock();
        }
      }
    }
    (void)nospace;
    lock.lock();
  }
}

void EtcdOrderer::stop() {
  {
    std::unique_lock lock(mu_);
    if (stopping_ && !putter_.joinable()) return;
    stopping_ = true;
    cv_.notify_all();
    // Let the putter write what is queued and the watcher deliver it (bounded: etcd may be down).
    cv_.wait_for(lock, std::chrono::seconds(5), [&] { return putter_done_ && in_flight_.empty(); });
    watch_stop_ = true;
    cv_.notify_all();
  }
  etcd_.cancel_watches();
  if (putter_.joinable()) putter_.join();
  if (watcher_.joinable()) watcher_.join();
  if (housekeeper_.joinable()) housekeeper_.join();
}

}  // namespace pv
