#pragma once
// The request-signature replay journal on the node's disk (docs/request-signatures.md, "Freshness,
// skew and replay"): a small RocksDB in <data-dir>/replay-guard holding the hash of every
// signature the node accepted, until it can no longer pass the freshness check. Keys are
// big-endian forget_after (8 bytes) followed by the 32-byte hash, so expired entries are one
// range at the front and a restart loads only the live ones. Writes go to RocksDB's write-ahead
// log without fsync: they survive the process being killed (kill -9), not a power cut.

#include <memory>
#include <string>

#include "identity/http_signature_replay.hpp"

namespace pv {

class RocksReplayJournal final : public ReplayJournal {
 public:
  // Opens (creating when missing) the journal in directory `path`.
  [[nodiscard]] static Result<std::unique_ptr<RocksReplayJournal>> open(const std::string& path);
  ~RocksReplayJournal() override;

  [[nodiscard]] Status remember(const Hash32& id, std::int64_t forget_after) override;
  void forget_before(std::int64_t now) override;
  [[nodiscard]] Result<std::vector<Entry>> load(std::int64_t now) override;

 private:
  struct Impl;
  explicit RocksReplayJournal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pv
