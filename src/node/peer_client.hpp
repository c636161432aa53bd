#pragma once
// Requests from this node to a peer node's HTTP API, signed with the node key (RFC 9421 HTTP
// Message Signatures, keyid = the node's did:key) so the peer can tell a member node from anyone
// else. Plain HTTP or HTTPS (peer URLs starting with https://, checked against `ca_file`).
// Thread-safe.

#include <chrono>
#include <string>

#include "crypto/ed25519.hpp"

namespace pv {

// Another member node of the cluster, as this node knows it (from its signed progress record in
// etcd): its genesis node key and the URL of its HTTP API.
struct PeerNode {
  PublicKey key;
  std::string url;
};

class PeerClient {
 public:
  PeerClient(SigningKey key, std::string ca_file)
      : key_(std::move(key)), ca_file_(std::move(ca_file)) {}
  // GET `target` (path and query) from the peer at `base_url`; the body of a 200 answer.
  // Errors: Errc::not_found for a 404, Errc::unavailable for no answer or any other status.
  [[nodiscard]] Result<std::string> get(
      const std::string& base_url, const std::string& target,
      std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  // POST `body` (application/json) to `target`; the body of a 200 answer, errors as get().
  // `timeout` bounds connecting and each read, so a slow answer may take longer in total.
  [[nodiscard]] Result<std::string> post(
      const std::string& base_url, const std::string& target, const std::string& body,
      std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  // The public node key the requests are signed with.
  PublicKey public_key() const { return key_.public_key(); }

 private:
  [[nodiscard]] Result<std::string> send(const std::string& method, const std::string& base_url,
                                         const std::string& target, const std::string& body,
                                         std::chrono::milliseconds timeout) const;
  SigningKey key_;
  std::string ca_file_;
};

}  // namespace pv
