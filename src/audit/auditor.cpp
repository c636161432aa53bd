#include "audit/auditor.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <sstream>

#include "api/metrics.hpp"
#include "audit/divergence.hpp"
#include "ledger/cosignature_clock.hpp"

namespace pv::audit {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// Backoff after a failed poll (node unreachable): doubles up to this.
constexpr std::chrono::milliseconds kMaxBackoff{5000};

// A node's block of `height` exactly as it serves it (sealed by it), for evidence.
std::optional<Bytes> served_block(const std::string& url, const api::NodeTrust& trust,
                                  std::uint64_t height) {
  auto client = api::NodeClient::connect(url, trust);
  if (!client) return std::nullopt;
  auto reply = client->call("GET", "/v1/blocks/" + std::to_string(height) + "?format=binary");
  if (!reply || reply->status != 200) return std::nullopt;
  return to_bytes(reply->body);
}

}  // namespace

std::string follower_dir(const std::string& data_dir, const std::string& url) {
  std::string name;
  std::string_view rest = url;
  if (auto p = rest.find("://"); p != std::string_view::npos) rest.remove_prefix(p + 3);
  for (char c : rest) name += std::isalnum(static_cast<unsigned char>(c)) || c == '.' ? c : '_';
  return (fs::path(data_dir) / "nodes" / name).string();
}

Auditor::Auditor(AuditorConfig config)
    : config_(std::move(config)), alarms_(config_.data_dir, config_.webhook) {}

Auditor::~Auditor() {
  stop();
}

Result<std::unique_ptr<Auditor>> Auditor::open(AuditorConfig config) {
  if (config.nodes.empty()) return make_error(Errc::invalid_argument, "no node to follow");
  std::unique_ptr<Auditor> a(new Auditor(std::move(config)));
  PV_TRY(a->alarms_.load());
  std::set<std::string> seen;
  for (const auto& url : a->config_.nodes) {
    if (!seen.insert(url).second)
      return make_error(Errc::invalid_argument, "node " + url + " is given twice");
    const std::string dir = follower_dir(a->config_.data_dir, url);
    if (a->config_.from_genesis) {
      std::error_code ec;
      fs::remove_all(dir, ec);
      if (ec) return make_error(Errc::io, "cannot remove " + dir + ": " + ec.message());
    }
    auto f = Follower::open(
        {url, dir, a->config_.genesis, a->config_.trust, a->config_.witnesses, a->signatures_});
    if (!f) return make_error(f.error().code, url + ": " + f.error().message);
    a->followers_.push_back(std::move(*f));
  }
  return a;
}

void Auditor::start() {
  for (auto& f : followers_) threads_.emplace_back([this, &f] { follow(*f); });
}

void Auditor::stop() {
  stopping_ = true;
  for (auto& f : followers_) f->stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void Auditor::raise(Alarm alarm) {
  auto file = alarms_.raise(std::move(alarm));
  (void)file;  // the board logged where it went, or why it could not be written
}

void Auditor::follow(Follower& follower) {
  auto wait = config_.poll_interval;
  while (!stopping_) {
    auto found = follower.poll();
    if (found) {
      for (auto& alarm : *found) {
        // A block the node served that did not re-execute: compared with the other nodes'
        // block of that height once one of them has verified it (compare_blocks()).
        if (alarm.kind == AlarmKind::reexecution)
          for (const auto& b : alarm.blocks) {
            std::lock_guard lock(mu_);
            refused_blocks_.push_back(b);
          }
        raise(std::move(alarm));
      }
      wait = config_.poll_interval;
    } else {
      spdlog::warn("audit: following {}: {}", follower.url(), found.error().message);
      wait = std::min(kMaxBackoff, wait * 2);
    }
    const FollowerStatus s = follower.status();
    watch_stall(follower, s);
    compare_all();
    for (auto slept = std::chrono::milliseconds(0); slept < wait && !stopping_;) {
      const auto step = std::min(wait - slept, std::chrono::milliseconds(50));
      std::this_thread::sleep_for(step);
      slept += step;
    }
  }
  if (auto flushed = follower.flush(); !flushed)
    spdlog::warn("audit: following {}: {}", follower.url(), flushed.error().message);
}

void Auditor::watch_stall(Follower& follower, const FollowerStatus& s) {
  const auto now = std::chrono::steady_clock::now();
  std::optional<Alarm> alarm;
  {
    std::lock_guard lock(mu_);
    Progress& p = progress_[follower.url()];
    if (p.since == std::chrono::steady_clock::time_point{} || s.node_log_size != p.size ||
        s.node_pending == 0 || !s.last_error.empty()) {
      // Moving, idle or unreachable (retried with backoff) is no stall.
      p.size = s.node_log_size;
      p.since = now;
      p.raised = false;
      return;
    }
    if (p.raised || now - p.since < config_.stall_after) return;
    p.raised = true;
    Alarm a;
    a.kind = AlarmKind::stalled;
    a.time = cosignature_time_now();
    a.reason =
        follower.url() + " has " + std::to_string(s.node_pending) +
        " transactions pending and its log has stayed at size " + std::to_string(p.size) + " for " +
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now - p.since).count()) +
        " s";
    if (auto note = follower.recent_note(p.size)) a.notes = {note->note};
    a.auditor = {{"pending", s.node_pending}, {"size", p.size}};
    alarm = std::move(a);
  }
  raise(std::move(*alarm));
}

void Auditor::compare_blocks() {
  std::vector<EvidenceBlock> pending;
  {
    std::lock_guard lock(mu_);
    pending.swap(refused_blocks_);
  }
  std::vector<EvidenceBlock> later;
  for (auto& refused : pending) {
    bool compared = false;
    for (const auto& f : followers_) {
      if (f->url() == refused.node) continue;
      const FollowerStatus s = f->status();
      if (s.halted || s.verified.height < refused.height) continue;
      // That node's block of the same height, sealed by it, verified here: fetch it as served.
      auto served = served_block(f->url(), config_.trust, refused.height);
      if (!served) continue;
      compared = true;
      auto theirs = decode_block(*served);
      auto ours = decode_block(refused.encoded);
      if (theirs && ours && block_hash(theirs->header) == block_hash(ours->header)) break;
      Alarm a;
      a.kind = AlarmKind::divergent_node;
      a.time = cosignature_time_now();
      a.reason = refused.node + " and " + f->url() + " serve different blocks at height " +
                 std::to_string(refused.height) + "; the auditor verified the one of " + f->url();
      a.blocks = {refused, {f->url(), refused.height, *served}};
      raise(std::move(a));
      break;
    }
    if (!compared && !stopping_) later.push_back(std::move(refused));
  }
  std::lock_guard lock(mu_);
  for (auto& b : later) refused_blocks_.push_back(std::move(b));
}

void Auditor::explain(Alarm& alarm, const Follower& a, const Follower& b) const {
  auto d = find_divergence(a, b);
  if (!d) return;
  alarm.reason += "; they part at block " + std::to_string(d->height) + ": " + d->what;
  alarm.auditor["divergedAt"] = d->height;
  if (d->dropped) alarm.auditor["dropped"] = true;
  if (!alarm.blocks.empty()) return;
  // The two blocks as the nodes serve them, each sealed by its node: checkable by anyone.
  for (const Follower* f : {&a, &b}) {
    auto served = served_block(f->url(), config_.trust, d->height);
    if (!served) return;
    alarm.blocks.push_back({f->url(), d->height, std::move(*served)});
  }
}

void Auditor::compare_all() {
  compare_blocks();
  for (std::size_t i = 0; i < followers_.size(); ++i)
    for (std::size_t j = 0; j < followers_.size(); ++j) {
      if (i == j) continue;
      std::uint64_t compared_to = 0;
      {
        std::lock_guard lock(mu_);
        compared_to = compared_to_[{i, j}];
      }
      auto alarm =
          compare_followers(*followers_[i], *followers_[j], cosignature_time_now(), compared_to);
      {
        std::lock_guard lock(mu_);
        compared_to_[{i, j}] = std::max(compared_to_[{i, j}], compared_to);
      }
      if (!alarm) continue;
      if (alarm->kind == AlarmKind::divergent_node) explain(*alarm, *followers_[i], *followers_[j]);
      // One alarm per pair of nodes and kind: the evidence of the first finding stands.
      const std::string key = std::string(alarm_kind_name(alarm->kind)) + " " +
                              std::min(followers_[i]->url(), followers_[j]->url()) + " " +
                              std::max(followers_[i]->url(), followers_[j]->url());
      {
        std::lock_guard lock(mu_);
        if (!compared_.insert(key).second) continue;
      }
      raise(std::move(*alarm));
    }
}

WitnessedLog Auditor::witnessed_log() const {
  WitnessedLog log;
  log.origin = checkpoint_origin(config_.genesis);
  for (const auto& org : config_.genesis.organizations)
    for (const auto& key : org.node_keys) log.keys.push_back({log.origin, key});
  return log;
}

GateAnswer Auditor::gate(const WitnessedLog& log, const Checkpoint& cp) const {
  std::optional<GateAnswer> verified, not_yet;
  for (const auto& f : followers_) {
    if (f->origin() != log.origin) continue;
    GateAnswer a = f->gate(cp);
    if (a.verdict == GateVerdict::contradicts) return a;
    if (a.verdict == GateVerdict::verified) verified = a;
    if (a.verdict == GateVerdict::not_yet && !not_yet) not_yet = a;
  }
  if (verified) return *verified;
  if (not_yet) return *not_yet;
  return {GateVerdict::not_yet, "no follower of " + log.origin};
}

void Auditor::witness_conflict(const std::string& submitted_note,
                               const std::optional<std::string>& cosigned_note,
                               const std::string& why) {
  const WitnessedLog log = witnessed_log();
  // A note with the verifier key of the first log key that signed it.
  auto signed_note = [&log](const std::string& note) -> std::optional<EvidenceNote> {
    for (const auto& k : log.keys)
      if (verify_note(note, k.name, k.key))
        return EvidenceNote{"", note, note_verifier_key(k.name, k.key)};
    return std::nullopt;
  };
  auto submitted = signed_note(submitted_note);
  if (!submitted) return;  // not signed by the log: the witness answered 403 and kept nothing
  Alarm a;
  a.time = cosignature_time_now();
  a.reason = "witness: " + why;
  a.notes = {*submitted};
  a.kind = AlarmKind::reexecution;  // the auditor's own re-execution contradicts the note
  if (cosigned_note) {
    // Same size, another root than the note the witness cosigned before.
    auto earlier = signed_note(*cosigned_note);
    if (!earlier) return;
    a.notes.insert(a.notes.begin(), *earlier);
    a.kind = earlier->vkey == submitted->vkey ? AlarmKind::equivocation : AlarmKind::divergent_node;
  }
  raise(std::move(a));
}

json Auditor::status_json() const {
  json nodes = json::array();
  for (const auto& f : followers_) {
    const FollowerStatus s = f->status();
    json n = {
        {"url", s.url},
        {"nodeKey", s.node_key},
        {"verifiedHeight", s.verified.height},
        {"verifiedLogSize", s.verified.log_size},
        {"verifiedBlockHash", s.verified.hash.hex()},
        {"verifiedStateDigest", s.verified.state_digest.hex()},
        {"transactionsVerified", s.verified.transactions},
        {"resumedAtHeight", s.resumed_at_height},
        {"nodeHeight", s.node_height},
        {"nodeLogSize", s.node_log_size},
        {"nodePending", s.node_pending},
        {"lag", s.node_log_size > s.verified.log_size ? s.node_log_size - s.verified.log_size : 0},
        {"halted", s.halted},
        {"polls", s.polls}};
    if (s.accepted)
      n["acceptedCheckpoint"] = {{"size", s.accepted->size}, {"root", s.accepted->root.hex()}};
    if (s.halted) n["haltReason"] = s.halt_reason;
    if (!s.last_error.empty()) n["lastError"] = s.last_error;
    nodes.push_back(std::move(n));
  }
  json alarms = json::object();
  for (const auto& [kind, value] : alarms_.gauges()) alarms[alarm_kind_name(kind)] = value;
  bool any = false;
  for (const auto& [kind, value] : alarms_.gauges()) any = any || value != 0;
  return {{"origin", checkpoint_origin(config_.genesis)},
          {"network", config_.genesis.network},
          {"ok", !any},
          {"nodes", nodes},
          {"alarms", alarms},
          {"evidence", alarms_.evidence_files()}};
}

std::string Auditor::metrics_text() const {
  std::ostringstream out;
  out << "# HELP pv_audit_alarm 1 when the auditor raised an alarm of this kind (evidence on "
         "disk).\n"
      << "# TYPE pv_audit_alarm gauge\n";
  for (const auto& [kind, value] : alarms_.gauges())
    out << "pv_audit_alarm{kind=\"" << alarm_kind_name(kind) << "\"} " << value << '\n';
  std::vector<FollowerStatus> all;
  for (const auto& f : followers_) all.push_back(f->status());
  auto gauge = [&out, &all](const char* name, const char* type, const char* help, auto value) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
    for (const auto& s : all)
      out << name << "{node=\"" << api::escape_label(s.url) << "\"} " << value(s) << '\n';
  };
  gauge("pv_audit_verified_height", "gauge", "Height of the last block the auditor re-executed.",
        [](const FollowerStatus& s) { return s.verified.height; });
  gauge("pv_audit_verified_log_size", "gauge", "Log size the auditor re-executed to.",
        [](const FollowerStatus& s) { return s.verified.log_size; });
  gauge("pv_audit_node_log_size", "gauge", "Size of the node's latest signed checkpoint.",
        [](const FollowerStatus& s) { return s.node_log_size; });
  gauge("pv_audit_lag_transactions", "gauge",
        "Transactions the node has checkpointed that the auditor has not yet re-executed.",
        [](const FollowerStatus& s) {
          return s.node_log_size > s.verified.log_size ? s.node_log_size - s.verified.log_size : 0;
        });
  gauge("pv_audit_transactions_verified_total", "counter",
        "Transactions re-executed since this auditor process started.",
        [](const FollowerStatus& s) { return s.verified.transactions; });
  gauge("pv_audit_follower_halted", "gauge", "1 when an alarm stopped following the node.",
        [](const FollowerStatus& s) { return s.halted ? 1 : 0; });
  return out.str();
}

}  // namespace pv::audit
