#include "api/witness_submitter.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>

#include "api/metrics.hpp"
#include "ledger/checkpoint.hpp"
#include "ledger/cosignature.hpp"
#include "ledger/cosignature_clock.hpp"
#include "node/node.hpp"

namespace pv::api {
namespace {

constexpr std::size_t kTextsKept = 8;

std::string add_checkpoint_body(std::uint64_t old_size, const std::vector<Hash32>& proof,
                                const std::string& note) {
  std::string body = "old " + std::to_string(old_size) + "\n";
  for (const auto& h : proof) body += to_base64(h.view()) + "\n";
  return body + "\n" + note;
}

// A witness's answer as one line of text for logs and status: control bytes become spaces.
std::string printable(std::string text) {
  for (char& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

}  // namespace

WitnessSubmitter::WitnessSubmitter(Node& node, std::vector<WitnessConfig> witnesses,
                                   std::chrono::milliseconds poll)
    : node_(node), poll_(poll) {
  for (auto& w : witnesses) {
    Peer p;
    p.config = std::move(w);
    peers_.push_back(std::move(p));
  }
  thread_ = std::thread([this] { run(); });
}

WitnessSubmitter::~WitnessSubmitter() {
  stop_ = true;
  { std::lock_guard lock(wake_mu_); }
  wake_.notify_all();
  thread_.join();
}

std::string WitnessSubmitter::cosignatures_for(const std::string& checkpoint_text) const {
  std::lock_guard lock(mu_);
  auto it = lines_.find(checkpoint_text);
  if (it == lines_.end()) return "";
  std::string out;
  for (const auto& [name, line] : it->second) out += line;
  return out;
}

std::optional<std::string> WitnessSubmitter::newest_cosigned(std::size_t k) const {
  std::lock_guard lock(mu_);
  for (auto it = texts_in_order_.rbegin(); it != texts_in_order_.rend(); ++it) {
    const auto& by_witness = lines_.at(*it);
    if (by_witness.size() < k) continue;
    std::string out = notes_.at(*it);
    for (const auto& [name, line] : by_witness) out += line;
    return out;
  }
  return std::nullopt;
}

std::vector<WitnessStatus> WitnessSubmitter::status() const {
  std::lock_guard lock(mu_);
  std::vector<WitnessStatus> out;
  for (const auto& p : peers_)
    out.push_back({p.config.url, p.config.cosigner.name, p.known_size, p.last_error, p.refusals,
                   p.unreachable});
  return out;
}

void WitnessSubmitter::run() {
  while (!stop_) {
    const std::string note = node_.checkpoint_note();
    auto parsed = parse_signed_note(note);
    auto cp = parsed ? parse_checkpoint_body(parsed->text) : Result<Checkpoint>(parsed.error());
    if (cp) {
      for (auto& peer : peers_) {
        if (stop_) break;
        bool due = false;
        {
          std::lock_guard lock(mu_);
          due = peer.known_size != cp->size && std::chrono::steady_clock::now() >= peer.retry_at;
        }
        if (due) submit(peer, note, parsed->text, cp->size);
      }
    }
    std::unique_lock lock(wake_mu_);
    wake_.wait_for(lock, poll_, [this] { return stop_.load(); });
  }
}

void WitnessSubmitter::submit(Peer& peer, const std::string& note, const std::string& text,
                              std::uint64_t size) {
  enum class Failure { other, refused, unreachable };
  auto fail = [&](std::string why, Failure kind = Failure::other) {
    std::lock_guard lock(mu_);
    if (kind == Failure::refused) ++peer.refusals;
    if (kind == Failure::unreachable) ++peer.unreachable;
    peer.failures = std::min(peer.failures + 1, 8);
    peer.retry_at = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(250) * (1 << (peer.failures - 1));  // up to 32 s
    if (why != peer.last_error) spdlog::warn("witness {}: {}", peer.config.url, why);
    peer.last_error = std::move(why);
  };
  httplib::Client client(peer.config.url);
  client.set_connection_timeout(std::chrono::seconds(2));
  client.set_read_timeout(std::chrono::seconds(10));
  client.set_write_timeout(std::chrono::seconds(10));
  // Two tries: the first may only teach us the witness's size (409 text/x.tlog.size).
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::uint64_t old_size = 0;
    {
      std::lock_guard lock(mu_);
      old_size = peer.known_size;
    }
    if (old_size > size)
      return fail("the witness holds size " + std::to_string(old_size) + ", larger than ours (" +
                  std::to_string(size) + ")");
    std::vector<Hash32> proof;
    if (old_size > 0 && old_size < size) {
      auto p = node_.consistency_proof(old_size, size);
      if (!p)
        return fail("no consistency proof from " + std::to_string(old_size) + ": " +
                    p.error().message);
      proof = p->hashes;
    }
    auto res =
        client.Post("/add-checkpoint", add_checkpoint_body(old_size, proof, note), "text/plain");
    if (!res) return fail("unreachable (" + httplib::to_string(res.error()) + ")", Failure::unreachable);
    if (res->status == 409 && res->get_header_value("Content-Type") == "text/x.tlog.size") {
      std::uint64_t theirs = 0;
      const std::string& b = res->body;
      auto [end, ec] = std::from_chars(b.data(), b.data() + b.size(), theirs);
      if (ec != std::errc() || end == b.data() || *end != '\n')
        return fail("answered 409 without a size");
      std::lock_guard lock(mu_);
      peer.known_size = theirs;
      continue;
    }
    if (res->status != 200)
      return fail("refused the checkpoint at size " + std::to_string(size) + ": " +
                      std::to_string(res->status) + " " + printable(res->body.substr(0, 200)),
                  Failure::refused);
    const Cosigner trusted[] = {peer.config.cosigner};
    auto verified = verify_cosignatures(note + res->body, trusted, cosignature_time_now());
    if (!verified) return fail("its cosignature does not verify: " + verified.error().message);
    if (verified->empty()) return fail("answered 200 without a cosignature by its key");
    // Keep only the line of this witness's key (it may return several).
    std::string own;
    const std::string prefix = "\xE2\x80\x94 " + peer.config.cosigner.name + " ";
    for (std::size_t pos = 0; pos < res->body.size();) {
      std::size_t nl = res->body.find('\n', pos);
      if (nl == std::string::npos) nl = res->body.size() - 1;
      const std::string line = res->body.substr(pos, nl + 1 - pos);
      if (line.rfind(prefix, 0) == 0) {
        auto one = verify_cosignatures(note + line, trusted, cosignature_time_now());
        if (one && one->size() == 1) {
          own = line;
          break;
        }
      }
      pos = nl + 1;
    }
    std::lock_guard lock(mu_);
    peer.known_size = size;
    peer.failures = 0;
    peer.last_error.clear();
    if (!lines_.count(text)) {
      texts_in_order_.push_back(text);
      notes_[text] = note;
      if (texts_in_order_.size() > kTextsKept) {
        lines_.erase(texts_in_order_.front());
        notes_.erase(texts_in_order_.front());
        texts_in_order_.erase(texts_in_order_.begin());
      }
    }
    lines_[text][peer.config.cosigner.name] = own;
    return;
  }
  fail("the witness's size keeps changing");
}

std::string witness_status_json(const std::vector<WitnessStatus>& witnesses) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& w : witnesses)
    list.push_back({{"url", w.url},
                    {"name", w.name},
                    {"cosignedSize", w.cosigned_size},
                    {"lastError", w.last_error},
                    {"refusals", w.refusals},
                    {"unreachable", w.unreachable}});
  return nlohmann::json{{"witnesses", list}}.dump();
}

std::string render_witness_metrics(const std::vector<WitnessStatus>& witnesses) {
  std::ostringstream out;
  out << "# HELP pv_witness_cosigned_size The latest log size this witness cosigned for the node.\n"
      << "# TYPE pv_witness_cosigned_size gauge\n";
  for (const auto& w : witnesses)
    out << "pv_witness_cosigned_size{witness=\"" << escape_label(w.name) << "\"} "
        << w.cosigned_size << '\n';
  out << "# HELP pv_witness_refusals_total Checkpoints this witness answered with a refusal.\n"
      << "# TYPE pv_witness_refusals_total counter\n";
  for (const auto& w : witnesses)
    out << "pv_witness_refusals_total{witness=\"" << escape_label(w.name) << "\"} " << w.refusals
        << '\n';
  out << "# HELP pv_witness_unreachable_total Checkpoint submissions this witness did not answer.\n"
      << "# TYPE pv_witness_unreachable_total counter\n";
  for (const auto& w : witnesses)
    out << "pv_witness_unreachable_total{witness=\"" << escape_label(w.name) << "\"} "
        << w.unreachable << '\n';
  return out.str();
}

}  // namespace pv::api
