#pragma once
// Submits the node's checkpoints to its witnesses (C2SP tlog-witness add-checkpoint,
// docs/audit.md) and keeps the cosignatures they return, so that GET /v1/checkpoint serves the
// signed note with them appended. One background thread; a witness that is down or refuses
// delays nothing but its own cosignature, and is retried with backoff.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "node/config.hpp"

namespace pv {
class Node;
}

namespace pv::api {

struct WitnessStatus {
  std::string url;
  std::string name;
  std::uint64_t cosigned_size = 0;  // the latest size this witness cosigned for us
  std::string last_error;           // "" after a success
  std::uint64_t refusals = 0;       // answers that refused a checkpoint (4xx/5xx but 409-size)
  std::uint64_t unreachable = 0;    // submissions that got no answer
};

// GET /v1/witnesses (JSON) and the pv_witness_* lines of GET /metrics.
std::string witness_status_json(const std::vector<WitnessStatus>& witnesses);
std::string render_witness_metrics(const std::vector<WitnessStatus>& witnesses);

class WitnessSubmitter {
 public:
  WitnessSubmitter(Node& node, std::vector<WitnessConfig> witnesses,
                   std::chrono::milliseconds poll = std::chrono::milliseconds(200));
  ~WitnessSubmitter();
  WitnessSubmitter(const WitnessSubmitter&) = delete;
  WitnessSubmitter& operator=(const WitnessSubmitter&) = delete;

  // The verified cosignature lines that witnesses returned for exactly this checkpoint text
  // (its three body lines); "" when none did yet.
  std::string cosignatures_for(const std::string& checkpoint_text) const;
  // The newest checkpoint (signed note with its cosignature lines) that at least k witnesses
  // cosigned, among the last few; nullopt when none has k yet.
  std::optional<std::string> newest_cosigned(std::size_t k) const;
  std::vector<WitnessStatus> status() const;

 private:
  struct Peer {
    WitnessConfig config;
    std::uint64_t known_size = 0;  // the witness's latest size, as far as we know
    std::string last_error;
    std::uint64_t refusals = 0, unreachable = 0;
    std::chrono::steady_clock::time_point retry_at{};
    int failures = 0;
  };
  void run();
  void submit(Peer& peer, const std::string& note, const std::string& text, std::uint64_t size);

  Node& node_;
  std::chrono::milliseconds poll_;
  std::vector<Peer> peers_;
  mutable std::mutex mu_;
  // checkpoint text -> witness name -> cosignature line; only the latest few texts are kept.
  std::map<std::string, std::map<std::string, std::string>> lines_;
  std::map<std::string, std::string> notes_;  // checkpoint text -> the node's signed note
  std::vector<std::string> texts_in_order_;
  std::atomic<bool> stop_{false};
  std::condition_variable wake_;
  std::mutex wake_mu_;
  std::thread thread_;
};

}  // namespace pv::api
