#pragma once
// NodeClient: a small typed client of the HTTP API (docs/api.md), used by every `pv` command that
// talks to a node. Each call is one request; a problem document comes back as a pv::Error with the
// problem's detail as message. The client checks shapes only: whatever it returns is what the node
// claims, and callers verify proofs themselves (ledger/merkle.hpp, ledger/checkpoint.hpp).
//
// Request signing (docs/request-signatures.md) lives here and only here: once a signer is set,
// EVERY request this client sends carries an RFC 9421 signature (label sig1, alg ed25519) by the
// signer's key with keyid = the signer's DID URL, created = now, a random nonce, and covers
// @method @authority @path [@query] content-digest [content-type]; the body's Content-Digest
// (RFC 9530) is added. Commands acting for an identity get their signer from cli/acting.hpp.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/json_views.hpp"
#include "crypto/ed25519.hpp"

namespace pv::api {

inline constexpr const char* kDefaultNodeUrl = "http://127.0.0.1:7600";

// Who the requests are made for: the key that signs and the keyid the node resolves it by
// ("did:key:z6Mk..." or a did:pv key URL "did:pv:...#key-N").
struct RequestSigner {
  SigningKey key;
  std::string keyid;
};

// The header fields that sign one request as `signer` (Host, Content-Digest, Signature-Input,
// Signature; see the header comment), for callers that send with their own HTTP client (the load
// generator, tests). NodeClient signs with exactly this. `authority` is "host:port" as sent in
// Host; `content_type` may be empty (no body type).
using HeaderFields = std::vector<std::pair<std::string, std::string>>;
[[nodiscard]] Result<HeaderFields> signature_headers(
    const RequestSigner& signer, const std::string& method, const std::string& target,
    const std::string& authority, const std::string& body, const std::string& content_type);
// The same for a body signed where it lies (no copy of it is made).
[[nodiscard]] Result<HeaderFields> signature_headers(const RequestSigner& signer,
                                                     const std::string& method,
                                                     const std::string& target,
                                                     const std::string& authority, ByteView body,
                                                     const std::string& content_type);

// A raw answer, for routes without a typed method below.
struct HttpReply {
  int status = 0;
  std::string body;
  std::string content_type;
};

// How an https node URL is trusted. The node's certificate is always verified (chain and host
// name); there is no switch to turn that off.
struct NodeTrust {
  std::string ca_file;  // PEM CA certificates; empty: the system's CA store
};

class NodeClient {
 public:
  // `url` is "http://HOST:PORT" or "https://HOST:PORT" (no path). Fails on anything else.
  [[nodiscard]] static Result<NodeClient> connect(const std::string& url,
                                                  const NodeTrust& trust = {});
  NodeClient(NodeClient&&) noexcept;
  NodeClient& operator=(NodeClient&&) noexcept;
  ~NodeClient();

  const std::string& url() const;

  // From now on, signs every request (see the header comment). nullopt: stop signing.
  void set_signer(std::optional<RequestSigner> signer);
  // The keyid requests are signed with; empty when unsigned.
  std::string signer_keyid() const;

  // One request to any route: `target` is the origin-form path and query. A 4xx/5xx answer comes
  // back as the error its problem document describes. Signed when a signer is set.
  [[nodiscard]] Result<HttpReply> call(const std::string& method, const std::string& target,
                                       const std::string& body = {},
                                       const std::string& content_type = "application/json");
  // A POST like call(), for a large body: it is hashed for its Content-Digest and sent to the
  // socket from where it lies, never copied (an upload batch is several MiB).
  [[nodiscard]] Result<HttpReply> post_in_place(const std::string& target, ByteView body,
                                                const std::string& content_type);
  // Another client of the same node with the same trust and signer, on a connection of its
  // own: a NodeClient is not thread-safe, so requests in parallel each use one.
  [[nodiscard]] Result<NodeClient> another_connection() const;

  [[nodiscard]] Result<NodeInfo> info();
  // POST /v1/tx with one transaction; with `wait`, answers once committed or after `timeout`.
  [[nodiscard]] Result<SubmissionResult> submit(const Bytes& encoded, bool wait,
                                                std::chrono::milliseconds timeout);
  // Submits and waits for the commit; an error unless the ledger marked it valid (the error then
  // says why: refused at submission, invalid with the committer's reason, or not committed in
  // time).
  [[nodiscard]] Result<CommittedTx> submit_and_commit(const Bytes& encoded,
                                                      std::chrono::milliseconds timeout);
  // GET /v1/did/{did}: the W3C DID Resolution result (did:pv). Public: never needs a signature.
  [[nodiscard]] Result<nlohmann::json> resolve_did(const std::string& did);
  [[nodiscard]] Result<TxStatus> get_tx(const TxId& id);
  [[nodiscard]] Result<InclusionProof> inclusion_proof(const TxId& id);
  [[nodiscard]] Result<std::string> checkpoint_note();
  // The newest recent checkpoint that at least `witnesses` witnesses cosigned, with their
  // cosignature lines (GET /v1/checkpoint?witnesses=k; docs/audit.md).
  [[nodiscard]] Result<std::string> cosigned_checkpoint_note(std::size_t witnesses);
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
