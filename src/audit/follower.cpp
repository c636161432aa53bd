#include "audit/follower.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <condition_variable>
#include <deque>
#include <thread>
#include <sstream>

#include "ledger/cosignature.hpp"
#include "ledger/cosignature_clock.hpp"
#include "ledger/merkle.hpp"
#include "node/atomic_file.hpp"

namespace pv::audit {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr std::size_t kRecentNotes = 256;
constexpr std::chrono::seconds kPersistEvery{1};
constexpr const char* kAcceptedFile = "accepted-checkpoint.json";
constexpr const char* kReplicaDir = "replica";

Alarm make_alarm(AlarmKind kind, std::string reason) {
  Alarm a;
  a.kind = kind;
  a.time = cosignature_time_now();
  a.reason = std::move(reason);
  return a;
}

std::string size_and_root(const Checkpoint& cp) {
  return "size " + std::to_string(cp.size) + " root " + cp.root.hex();
}

// The note as the node signed it: cosignature lines a witness appended are not the node's.
std::string node_signature_only(const std::string& note, const std::string& key_name,
                                const PublicKey& key) {
  auto parsed = parse_signed_note(note);
  if (!parsed) return note;
  const std::uint32_t id = note_key_id(key_name, key);
  std::string out = parsed->text + "\n";
  for (const auto& sig : parsed->signatures) {
    if (sig.name != key_name || sig.key_id != id) continue;
    Bytes raw(4);
    for (int i = 0; i < 4; ++i) raw[i] = static_cast<std::uint8_t>(sig.key_id >> (24 - 8 * i));
    raw.insert(raw.end(), sig.sig.begin(), sig.sig.end());
    out += "\xE2\x80\x94 " + sig.name + " " + to_base64(raw) + "\n";
  }
  return out;
}

// The node's pv_queue_depth gauge (GET /metrics): transactions accepted, not yet committed.
std::optional<std::uint64_t> queue_depth(api::NodeClient& client) {
  auto reply = client.call("GET", "/metrics");
  if (!reply) return std::nullopt;
  const std::string name = "\npv_queue_depth ";
  const auto at = reply->body.find(name);
  if (at == std::string::npos) return std::nullopt;
  std::uint64_t v = 0;
  const char* first = reply->body.data() + at + name.size();
  auto [end, ec] = std::from_chars(first, reply->body.data() + reply->body.size(), v);
  if (ec != std::errc() || end == first) return std::nullopt;
  return v;
}

// Blocks fetched ahead of re-execution: at most this many wait, decoded and being checked.
constexpr std::size_t kBlocksAhead = 4;

struct FetchedBlock {
  Bytes encoded;
  PreparedBlock prepared;
  std::optional<Error> error;  // the node could not be read
};

// The queue between the fetcher thread and the thread that re-executes.
class BlockPipeline {
 public:
  // Blocks until fewer than `limit` blocks wait; false once closed.
  bool wait_for_room(std::size_t limit) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return closed_ || blocks_.size() < limit; });
    return !closed_;
  }
  void push(FetchedBlock block) {
    {
      std::lock_guard lock(mu_);
      blocks_.push_back(std::move(block));
    }
    cv_.notify_all();
  }
  void close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }
  // The next block; nullopt once closed and empty.
  std::optional<FetchedBlock> pop() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return closed_ || !blocks_.empty(); });
    if (blocks_.empty()) return std::nullopt;
    FetchedBlock b = std::move(blocks_.front());
    blocks_.pop_front();
    cv_.notify_all();
    return b;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<FetchedBlock> blocks_;
  bool closed_ = false;
};

}  // namespace

Result<std::unique_ptr<Follower>> Follower::open(FollowerConfig config) {
  PV_TRY(check_genesis(config.genesis));
  for (const auto& vkey : config.witnesses)
    if (auto w = parse_cosigner_verifier_key(vkey); !w)
      return make_error(Errc::invalid_argument,
                        "witness key " + vkey + " does not parse: " + w.error().message);
  std::unique_ptr<Follower> f(new Follower(std::move(config)));
  f->origin_ = checkpoint_origin(f->config_.genesis);
  for (const auto& org : f->config_.genesis.organizations)
    for (const auto& key : org.node_keys) f->members_.insert(key);
  auto replica =
      LedgerReplica::open((fs::path(f->config_.dir) / kReplicaDir).string(), f->config_.genesis,
                          f->config_.signatures);
  if (!replica) return replica.error();
  f->replica_ = std::move(*replica);
  f->status_.url = f->config_.url;
  f->status_.verified = f->replica_->head();
  f->status_.resumed_at_height = f->status_.verified.height;
  PV_TRY(f->load_accepted());
  return f;
}

Status Follower::load_accepted() {
  const fs::path path = fs::path(config_.dir) / kAcceptedFile;
  std::ifstream in(path);
  if (!in) return Status::ok();  // nothing accepted yet
  std::stringstream text;
  text << in.rdbuf();
  json j = json::parse(text.str(), nullptr, false);
  auto bad = [&](const std::string& why) {
    return make_error(Errc::corruption, path.string() + ": " + why +
                                            "; remove the follower's directory (or start with "
                                            "--from-genesis) to rebuild it");
  };
  if (j.is_discarded() || !j.is_object() || !j.contains("note") || !j["note"].is_string() ||
      !j.contains("vkey") || !j["vkey"].is_string() || !j.contains("node") ||
      !j["node"].is_string())
    return bad("not an accepted-checkpoint file");
  EvidenceNote note{j["node"].get<std::string>(), j["note"].get<std::string>(),
                    j["vkey"].get<std::string>()};
  auto key = parse_note_verifier_key(note.vkey);
  if (!key) return bad("its verifier key does not parse");
  auto cp = open_checkpoint(note.note, key->name, key->key);
  if (!cp) return bad("its note does not verify: " + cp.error().message);
  if (cp->origin != origin_) return bad("it is a checkpoint of another log");
  node_key_ = key->key;
  std::lock_guard lock(mu_);
  accepted_note_ = note;
  status_.accepted = *cp;
  status_.node_key = key->key.hex();
  recent_[cp->size] = AcceptedNote{note, *cp, key->key};
  return Status::ok();
}

Status Follower::accept(const EvidenceNote& note, const Checkpoint& cp) {
  // Written (fsynced) at most once per kPersistEvery while the log grows, and when following
  // stops: after a kill -9 the follower resumes from an older accepted note, which the next one
  // must still extend (a consistency proof), so nothing is skipped.
  const auto now = std::chrono::steady_clock::now();
  if (now - persisted_at_ >= kPersistEvery || stopping_) {
    PV_TRY(persist_accepted(note));
    persisted_at_ = now;
    persisted_all_ = true;
  } else {
    persisted_all_ = false;
  }
  std::lock_guard lock(mu_);
  accepted_note_ = note;
  status_.accepted = cp;
  recent_[cp.size] = AcceptedNote{note, cp, *node_key_};
  while (recent_.size() > kRecentNotes) recent_.erase(recent_.begin());
  return Status::ok();
}

Status Follower::persist_accepted(const EvidenceNote& note) {
  const json j = {{"node", note.node}, {"note", note.note}, {"vkey", note.vkey}};
  return write_file_atomically((fs::path(config_.dir) / kAcceptedFile).string(), j.dump(2) + "\n",
                               0644);
}

Status Follower::flush() {
  std::optional<EvidenceNote> note;
  {
    std::lock_guard lock(mu_);
    note = accepted_note_;
  }
  if (persisted_all_ || !note) return Status::ok();
  PV_TRY(persist_accepted(*note));
  persisted_all_ = true;
  return Status::ok();
}

std::vector<Alarm> Follower::halt(Alarm alarm) {
  std::lock_guard lock(mu_);
  status_.halted = true;
  status_.halt_reason = std::string(alarm_kind_name(alarm.kind)) + ": " + alarm.reason;
  return {std::move(alarm)};
}

Status Follower::connect() {
  if (!client_) {
    auto client = api::NodeClient::connect(config_.url, config_.trust);
    if (!client) return client.error();
    client_.emplace(std::move(*client));
  }
  auto info = client_->info();
  if (!info) return info.error();
  if (info->network_id != replica_->network())
    return make_error(Errc::conflict,
                      config_.url + " is a node of another network (" + info->network + ")");
  if (!members_.count(info->checkpoint_key))
    return make_error(Errc::forbidden, config_.url + " signs with " + info->checkpoint_key.hex() +
                                           ", which is no node key of the genesis membership");
  if (node_key_ && *node_key_ != info->checkpoint_key)
    return make_error(Errc::conflict, config_.url + " now signs with another node key (" +
                                          info->checkpoint_key.hex() + ")");
  node_key_ = info->checkpoint_key;
  // Pending transactions matter only to a node whose log stands still (a stall); a node that
  // moves is not asked for its metrics at every poll.
  bool standing = false;
  {
    std::lock_guard lock(mu_);
    standing = info->log_size == status_.node_log_size;
  }
  const std::optional<std::uint64_t> pending =
      standing ? queue_depth(*client_) : std::optional<std::uint64_t>(0);
  std::lock_guard lock(mu_);
  status_.node_key = node_key_->hex();
  status_.node_height = info->height;
  if (pending) status_.node_pending = *pending;
  return Status::ok();
}

Result<std::vector<Alarm>> Follower::poll() {
  {
    std::lock_guard lock(mu_);
    ++status_.polls;
    if (status_.halted) return std::vector<Alarm>{};
  }
  auto out = poll_once();
  std::lock_guard lock(mu_);
  status_.last_error = out ? std::string() : out.error().message;
  status_.verified = replica_->head();
  return out;
}

std::optional<Alarm> Follower::check_cosignatures(const EvidenceNote& note,
                                                  const std::vector<std::string>& witnesses,
                                                  std::uint64_t now) {
  std::vector<Cosigner> cosigners;
  for (const auto& vkey : witnesses)
    if (auto w = parse_cosigner_verifier_key(vkey)) cosigners.push_back(*w);
  if (cosigners.empty()) return std::nullopt;
  auto verified = verify_cosignatures(note.note, cosigners, now);
  if (verified) return std::nullopt;
  Alarm a = make_alarm(AlarmKind::witness_signature,
                       note.node +
                           " serves a checkpoint with a witness cosignature that does not "
                           "verify: " +
                           verified.error().message);
  a.time = now;
  a.notes = {note};
  a.witness_keys = witnesses;
  return a;
}

std::optional<Alarm> Follower::check_extension(const EvidenceNote& accepted_note,
                                               const Checkpoint& accepted, const EvidenceNote& note,
                                               const Checkpoint& cp,
                                               const ConsistencyProof* proof) {
  if (cp.size < accepted.size) {
    Alarm a = make_alarm(AlarmKind::consistency, note.node + " signed a smaller tree (" +
                                                     size_and_root(cp) + ") after " +
                                                     size_and_root(accepted) + ": its log shrank");
    a.notes = {accepted_note, note};
    return a;
  }
  if (cp.size == accepted.size) {
    if (cp.root == accepted.root) return std::nullopt;
    Alarm a = make_alarm(AlarmKind::equivocation,
                         note.node + " signed two trees of size " + std::to_string(cp.size) + ": " +
                             accepted.root.hex() + " and " + cp.root.hex());
    a.notes = {accepted_note, note};
    return a;
  }
  if (proof == nullptr) return std::nullopt;
  Status s = proof->size1 != accepted.size || proof->size2 != cp.size
                 ? Status(make_error(Errc::invalid_argument,
                                     "the proof is for sizes " + std::to_string(proof->size1) +
                                         " to " + std::to_string(proof->size2)))
                 : verify_merkle_consistency(accepted.size, cp.size, proof->hashes, accepted.root,
                                             cp.root);
  if (s) return std::nullopt;
  Alarm a = make_alarm(AlarmKind::consistency, note.node + ": no valid consistency proof from " +
                                                   size_and_root(accepted) + " to " +
                                                   size_and_root(cp) + ": " + s.error().message);
  a.notes = {accepted_note, note};
  ConsistencyProof kept = *proof;
  kept.size1 = accepted.size, kept.size2 = cp.size, kept.root1 = accepted.root,
  kept.root2 = cp.root;
  a.proof = kept;
  return a;
}

Result<std::optional<Alarm>> Follower::verify_blocks_to(const Checkpoint& cp,
                                                        const EvidenceNote& note) {
  if (!genesis_checked_) {
    auto reply = client_->call("GET", "/v1/blocks/0?format=binary");
    if (!reply) return reply.error();
    if (auto refusal = replica_->check_genesis_block(as_bytes(reply->body))) {
      Alarm a = make_alarm(AlarmKind::reexecution, config_.url + ": " + refusal->reason);
      a.blocks.push_back({config_.url, 0, to_bytes(reply->body)});
      return std::optional(std::move(a));
    }
    genesis_checked_ = true;
  }
  if (replica_->head().log_size >= cp.size) return std::optional<Alarm>();
  // Pipelined: a fetcher thread reads blocks ahead (up to kBlocksAhead, while the node's height
  // says they exist), decodes them, checks their seals and starts their signature checks on the
  // shared pool; this thread re-executes them in order.
  BlockPipeline pipe;
  const std::uint64_t first = replica_->head().height + 1;
  std::uint64_t known_height = 0;
  {
    std::lock_guard lock(mu_);
    known_height = status_.node_height;
  }
  std::thread fetcher([&] {
    for (std::uint64_t height = first;; ++height) {
      if (!pipe.wait_for_room(height > known_height ? 1 : kBlocksAhead)) return;
      FetchedBlock f;
      auto reply = client_->call("GET", "/v1/blocks/" + std::to_string(height) + "?format=binary");
      if (!reply) {
        f.error = reply.error();
      } else {
        f.encoded = to_bytes(reply->body);
        f.prepared = replica_->prepare(f.encoded, height, *node_key_);
      }
      // The header's log size is covered by the seal; a block that lies about it is refused.
      const bool last = f.error || f.prepared.refusal ||
                        f.prepared.block.header.log_size >= cp.size || stopping_;
      pipe.push(std::move(f));
      if (last) return pipe.close();
    }
  });
  struct JoinOnExit {
    BlockPipeline& pipe;
    std::thread& t;
    ~JoinOnExit() {
      pipe.close();
      t.join();
    }
  } join_on_exit{pipe, fetcher};
  for (std::uint64_t height = first;; ++height) {
    std::optional<FetchedBlock> current = pipe.pop();
    if (!current) return std::optional<Alarm>();  // the fetcher stopped (done or stopping)
    if (current->error) return *current->error;
    auto refused = replica_->apply(std::move(current->prepared));
    if (!refused) return refused.error();
    if (*refused) {
      Alarm a = make_alarm(AlarmKind::reexecution, config_.url + ": " + (*refused)->reason + " (" +
                                                       block_fault_name((*refused)->fault) + ")");
      a.blocks.push_back({config_.url, height, std::move(current->encoded)});
      a.notes = {note};
      a.auditor = {{"verifiedHeight", replica_->head().height},
                   {"fault", block_fault_name((*refused)->fault)}};
      return std::optional(std::move(a));
    }
    std::lock_guard lock(mu_);
    status_.verified = replica_->head();
  }
}

Result<std::vector<Alarm>> Follower::poll_once() {
  PV_TRY(connect());
  auto raw = client_->checkpoint_note();
  if (!raw) return raw.error();
  auto cp = open_checkpoint(*raw, origin_, *node_key_);
  if (!cp)
    return make_error(
        cp.error().code,
        config_.url + "'s checkpoint does not verify with its key: " + cp.error().message);
  EvidenceNote note{config_.url, node_signature_only(*raw, origin_, *node_key_),
                    note_verifier_key(origin_, *node_key_)};
  {
    std::lock_guard lock(mu_);
    status_.node_log_size = cp->size;
  }
  std::vector<Alarm> found;
  if (!witness_alarm_raised_)
    if (auto bad = check_cosignatures({config_.url, *raw, note.vkey}, config_.witnesses,
                                      cosignature_time_now())) {
      witness_alarm_raised_ = true;  // the node's log may still be sound: keep following
      found.push_back(std::move(*bad));
    }
  std::optional<EvidenceNote> accepted_note;
  std::optional<Checkpoint> accepted;
  {
    std::lock_guard lock(mu_);
    accepted_note = accepted_note_;
    accepted = status_.accepted;
  }
  if (accepted) {
    std::optional<ConsistencyProof> proof;
    if (cp->size > accepted->size) {
      auto p = client_->consistency_proof(accepted->size, cp->size);
      if (!p) return p.error();
      proof = std::move(*p);
    }
    if (auto alarm =
            check_extension(*accepted_note, *accepted, note, *cp, proof ? &*proof : nullptr))
      return halt(std::move(*alarm));
    if (cp->size == accepted->size && replica_->head().log_size >= cp->size)
      return found;  // nothing new
  }
  auto blocks = verify_blocks_to(*cp, note);
  if (!blocks) return blocks.error();
  if (*blocks) return halt(std::move(**blocks));
  if (replica_->head().log_size < cp->size) return found;  // stopping
  auto root = replica_->root_at(cp->size);
  if (!root) return root.error();
  if (*root != cp->root) {
    Alarm a = make_alarm(AlarmKind::reexecution, config_.url + " signed " + size_and_root(*cp) +
                                                     ", but its blocks re-execute to root " +
                                                     root->hex() + " at that size");
    a.notes = {note};
    a.auditor = {{"size", cp->size}, {"root", root->hex()}};
    return halt(std::move(a));
  }
  PV_TRY(accept(note, *cp));
  return found;
}

FollowerStatus Follower::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

GateAnswer Follower::gate(const Checkpoint& cp) const {
  const ReplicaHead head = replica_->head();
  if (cp.size > head.log_size)
    return {GateVerdict::not_yet,
            config_.url + " verified to size " + std::to_string(head.log_size)};
  auto root = replica_->root_at(cp.size);
  if (!root) return {GateVerdict::not_yet, root.error().message};
  if (*root != cp.root)
    return {GateVerdict::contradicts, "re-executing the blocks of " + config_.url + " gives root " +
                                          root->hex() + " at size " + std::to_string(cp.size)};
  return {GateVerdict::verified, {}};
}

std::optional<AcceptedNote> Follower::recent_note(std::uint64_t size) const {
  std::lock_guard lock(mu_);
  auto it = recent_.find(size);
  if (it == recent_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::uint64_t> Follower::recent_sizes(std::uint64_t after) const {
  std::lock_guard lock(mu_);
  std::vector<std::uint64_t> sizes;
  for (auto it = recent_.upper_bound(after); it != recent_.end(); ++it) sizes.push_back(it->first);
  return sizes;
}

std::optional<Hash32> Follower::verified_root(std::uint64_t size) const {
  auto root = replica_->root_at(size);
  if (!root) return std::nullopt;
  return *root;
}

std::optional<Block> Follower::verified_block(std::uint64_t height) const {
  auto b = replica_->block(height);
  if (!b) return std::nullopt;
  return std::move(*b);
}

std::optional<Alarm> compare_followers(const Follower& a, const Follower& b, std::uint64_t now,
                                       std::uint64_t& compared_to) {
  if (a.origin() != b.origin()) return std::nullopt;
  const auto b_accepted = b.status().accepted;
  if (!b_accepted) return std::nullopt;
  for (std::uint64_t size : a.recent_sizes(compared_to)) {
    // b accepts sizes in increasing order: beyond its last one, there is nothing to compare yet.
    if (size > b_accepted->size) break;
    compared_to = size;
    auto na = a.recent_note(size);
    if (!na) continue;
    const Checkpoint& cp_a = na->checkpoint;
    if (auto nb = b.recent_note(size)) {
      if (nb->checkpoint.root == cp_a.root) continue;
      const bool one_key = na->key == nb->key;
      Alarm alarm;
      alarm.kind = one_key ? AlarmKind::equivocation : AlarmKind::divergent_node;
      alarm.time = now;
      alarm.reason = (one_key ? "one node key signed two trees of size "
                              : "two nodes signed different trees of size ") +
                     std::to_string(size) + ": " + cp_a.root.hex() + " (" + a.url() + ") and " +
                     nb->checkpoint.root.hex() + " (" + b.url() + ")";
      alarm.notes = {na->note, nb->note};
      return alarm;
    }
    // No note of that size from b: compare with what b's replica verified up to its accepted
    // checkpoint.
    if (auto root_b = b.verified_root(size); root_b && *root_b != cp_a.root) {
      Alarm alarm;
      alarm.kind = AlarmKind::divergent_node;
      alarm.time = now;
      alarm.reason = a.url() + " signed root " + cp_a.root.hex() + " at size " +
                     std::to_string(size) + "; the blocks of " + b.url() + " give " + root_b->hex();
      alarm.notes = {na->note};
      alarm.auditor = {{"node", b.url()}, {"size", size}, {"root", root_b->hex()}};
      return alarm;
    }
  }
  return std::nullopt;
}

}  // namespace pv::audit
