#pragma once
// NodeClient: a small typed client of the HTTP API (docs/api.md), used by every `pv` command that
// talks to a node. Each call is one request; a problem document comes back as a pv::Error with the
// problem's detail as message. The client checks shapes only: whatever it returns is what the node
// claims, and callers verify proofs themselves (ledger/merkle.hpp, ledger/checkpoint.hpp).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "api/json_views.hpp"

namespace pv::api {

inline constexpr const char* kDefaultNodeUrl = "http://127.0.0.1:7600";

class NodeClient {
 public:
  // `url` is "http://HOST:PORT" (no path). Fails on anything else.
  [[nodiscard]] static Result<NodeClient> connect(const std::string& url);
  NodeClient(NodeClient&&) noexcept;
  NodeClient& operator=(NodeClient&&) noexcept;
  ~NodeClient();

  const std::string& url() const;

  [[nodiscard]] Result<NodeInfo> info();
  // POST /v1/tx with one transaction; with `wait`, answers once committed or after `timeout`.
  [[nodiscard]] Result<SubmissionResult> submit(const Bytes& encoded, bool wait,
                                                std::chrono::milliseconds timeout);
  [[nodiscard]] Result<TxStatus> get_tx(const TxId& id);
  [[nodiscard]] Result<InclusionProof> inclusion_proof(const TxId& id);
  [[nodiscard]] Result<std::string> checkpoint_note();
  [[nodiscard]] Result<ConsistencyProof> consistency_proof(std::uint64_t size1,
                                                           std::uint64_t size2);
  // The block's canonical encoding, strictly decoded (seal not checked).
  [[nodiscard]] Result<Block> block(std::uint64_t height);
  [[nodiscard]] Status health();

 private:
  struct Impl;
  explicit NodeClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pv::api
