#pragma once
// Requests from this node to a peer node's HTTP API, signed with the node key (RFC 9421 HTTP
// Message Signatures, keyid = the node's did:key) so the peer can tell a member node from anyone
// else. Plain HTTP or HTTPS (peer URLs starting with https://, checked against `ca_file`).
// Thread-safe.

#include <chrono>
#include <string>

#include "crypto/ed25519.hpp"

namespace pv {

class PeerClient {
 public:
  PeerClient(SigningKey key, std::string ca_file)
      : key_(std::move(key)), ca_file_(std::move(ca_file)) {}
  // GET `target` (path and query) from the peer at `base_url`; the body of a 200 answer.
  [[nodiscard]] Result<std::string> get(
      const std::string& base_url, const std::string& target,
      std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

 private:
  SigningKey key_;
  std::string ca_file_;
};

}  // namespace pv
