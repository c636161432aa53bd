#include "api/client.hpp"

#include <httplib.h>

#include "identity/http_signature.hpp"

namespace pv::api {

struct NodeClient::Impl {
  std::string url;
  std::string authority;  // host[:port] of the URL: the @authority requests are signed for
  NodeTrust trust;
  httplib::Client http;
  std::optional<RequestSigner> signer;
  explicit Impl(const std::string& u) : url(u), http(u) {}

  // The signature fields of a request, or nothing when unsigned; an error only from a bug.
  Result<HeaderFields> sign(const std::string& method, const std::string& target, ByteView body,
                            const std::string& content_type) const;

  // Every request goes through here, so none escapes signing once a signer is set.
  httplib::Result send(const std::string& method, const std::string& target,
                       const std::string& body = {}, const std::string& content_type = {});
};

namespace {

struct Reply {
  int status = 0;
  std::string body;
};

Error transport_error(const std::string& url, httplib::Error e) {
  if (e == httplib::Error::SSLServerVerification)
    return make_error(Errc::unavailable,
                      "the TLS certificate of the node at " + url +
                          " is not trusted (it is not signed by a trusted CA, or not for this host "
                          "name); give the CA that signed it with --node-ca FILE or PV_NODE_CA");
  if (e == httplib::Error::SSLConnection || e == httplib::Error::SSLLoadingCerts)
    return make_error(Errc::unavailable,
                      "no TLS connection to the node at " + url + " (" + httplib::to_string(e) +
                          "); check the URL's scheme and the CA file in --node-ca / PV_NODE_CA");
  return make_error(Errc::unavailable, "cannot reach node at " + url + " (" +
                                           httplib::to_string(e) +
                                           "); start one with `pv node start` or point --node / "
                                           "PV_NODE at a running node");
}

Result<Reply> check(const std::string& url, const httplib::Result& r) {
  if (!r) return transport_error(url, r.error());
  if (r->status >= 400) return error_from_problem(r->status, r->body);
  return Reply{r->status, r->body};
}

Result<nlohmann::json> json_reply(const Result<Reply>& reply) {
  if (!reply) return reply.error();
  auto j = parse_json(reply->body);
  if (!j) return make_error(Errc::malformed, "node answered with invalid JSON");
  return j;
}

}  // namespace

Result<HeaderFields> signature_headers(const RequestSigner& signer, const std::string& method,
                                       const std::string& target, const std::string& authority,
                                       const std::string& body, const std::string& content_type) {
  return signature_headers(signer, method, target, authority, as_bytes(body), content_type);
}

Result<HeaderFields> signature_headers(const RequestSigner& signer, const std::string& method,
                                       const std::string& target, const std::string& authority,
                                       ByteView body, const std::string& content_type) {
  HttpRequest message;
  message.method = method;
  message.target = target;
  message.authority = authority;
  message.borrowed_body = body;
  if (!content_type.empty()) set_header(message.headers, "content-type", content_type);
  SignOptions options;
  options.keyid = signer.keyid;
  options.created = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  // A fresh nonce: two identical requests in the same second must not look like a replay.
  Bytes nonce(16);
  random_bytes(nonce.data(), nonce.size());
  options.nonce = to_hex(nonce);
  PV_TRY(sign_request(message, signer.key, options));
  HeaderFields out{{"Host", authority}};
  for (const char* name : {"Content-Digest", "Signature-Input", "Signature"})
    if (auto v = combined_header_value(message.headers, name)) out.emplace_back(name, *v);
  return out;
}

Result<HeaderFields> NodeClient::Impl::sign(const std::string& method, const std::string& target,
                                            ByteView body, const std::string& content_type) const {
  if (!signer) return HeaderFields{};
  return signature_headers(*signer, method, target, authority, body, content_type);
}

httplib::Result NodeClient::Impl::send(const std::string& method, const std::string& target,
                                       const std::string& body, const std::string& content_type) {
  httplib::Request req;
  req.method = method;
  req.path = target;
  req.body = body;
  if (!content_type.empty()) req.set_header("Content-Type", content_type);
  auto headers = sign(method, target, as_bytes(body), content_type);
  // Only a bug can fail here (the components are ours); never send the request unsigned.
  if (!headers) return httplib::Result(nullptr, httplib::Error::Unknown);
  for (auto& [name, value] : *headers) req.set_header(name, value);
  return http.send(req);
}

NodeClient::NodeClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NodeClient::NodeClient(NodeClient&&) noexcept = default;
NodeClient& NodeClient::operator=(NodeClient&&) noexcept = default;
NodeClient::~NodeClient() = default;

Result<NodeClient> NodeClient::connect(const std::string& url, const NodeTrust& trust) {
  std::string u = url;
  while (!u.empty() && u.back() == '/') u.pop_back();
  const bool http = u.rfind("http://", 0) == 0, https = u.rfind("https://", 0) == 0;
  const std::size_t host_start = http ? 7 : 8;
  if ((!http && !https) || u.size() <= host_start || u.find('/', host_start) != std::string::npos)
    return make_error(Errc::invalid_argument,
                      "node URL must look like http://HOST:PORT, got \"" + url + "\"");
  auto impl = std::make_unique<Impl>(u);
  impl->authority = u.substr(host_start);
  impl->trust = trust;
  if (!impl->http.is_valid())
    return make_error(Errc::invalid_argument, "cannot use node URL \"" + url + "\"");
  impl->http.set_connection_timeout(std::chrono::seconds(5));
  impl->http.set_read_timeout(std::chrono::seconds(130));
  impl->http.set_keep_alive(true);
  if (https && !trust.ca_file.empty()) impl->http.set_ca_cert_path(trust.ca_file);
  impl->http.enable_server_certificate_verification(true);
  return NodeClient(std::move(impl));
}

const std::string& NodeClient::url() const {
  return impl_->url;
}

void NodeClient::set_signer(std::optional<RequestSigner> signer) {
  impl_->signer = std::move(signer);
}

std::string NodeClient::signer_keyid() const {
  return impl_->signer ? impl_->signer->keyid : std::string();
}

Result<HttpReply> NodeClient::call(const std::string& method, const std::string& target,
                                   const std::string& body, const std::string& content_type) {
  auto r = impl_->send(method, target, body, body.empty() ? std::string() : content_type);
  if (!r) return transport_error(impl_->url, r.error());
  if (r->status >= 400) return error_from_problem(r->status, r->body);
  return HttpReply{r->status, r->body, r->get_header_value("Content-Type")};
}

Result<HttpReply> NodeClient::post_in_place(const std::string& target, ByteView body,
                                            const std::string& content_type) {
  auto fields = impl_->sign("POST", target, body, content_type);
  if (!fields) return fields.error();
  httplib::Headers headers(fields->begin(), fields->end());
  // httplib copies a body given as bytes; given as a provider, it writes it straight out.
  auto provide = [body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
    return sink.write(reinterpret_cast<const char*>(body.data()) + offset, length);
  };
  auto r = impl_->http.Post(target, headers, body.size(), provide, content_type);
  if (!r) return transport_error(impl_->url, r.error());
  if (r->status >= 400) return error_from_problem(r->status, r->body);
  return HttpReply{r->status, r->body, r->get_header_value("Content-Type")};
}

Result<NodeClient> NodeClient::another_connection() const {
  auto other = connect(impl_->url, impl_->trust);
  if (!other) return other.error();
  other->set_signer(impl_->signer);
  return other;
}

Result<NodeInfo> NodeClient::info() {
  auto j = json_reply(check(impl_->url, impl_->send("GET", "/v1/node")));
  if (!j) return j.error();
  return parse_node_info(*j);
}

Result<SubmissionResult> NodeClient::submit(const Bytes& encoded, bool wait,
                                            std::chrono::milliseconds timeout) {
  std::string path = "/v1/tx";
  if (wait) path += "?wait=true&timeout_ms=" + std::to_string(timeout.count());
  nlohmann::json body{{"tx", to_base64(encoded)}};
  auto j =
      json_reply(check(impl_->url, impl_->send("POST", path, body.dump(), "application/json")));
  if (!j) return j.error();
  return parse_submission_result(*j);
}

Result<CommittedTx> NodeClient::submit_and_commit(const Bytes& encoded,
                                                  std::chrono::milliseconds timeout) {
  auto result = submit(encoded, /*wait=*/true, timeout);
  if (!result) return result.error();
  if (result->outcome == SubmissionOutcome::refused) {
    if (!result->problem) return make_error(Errc::internal, "refused without a reason");
    return error_from_problem(result->problem->status, problem_to_json(*result->problem).dump());
  }
  const TxId id = result->id.value_or(transaction_id(encoded));
  if (result->outcome == SubmissionOutcome::accepted)
    return make_error(Errc::unavailable, "transaction " + id.hex() + " was not committed within " +
                                             std::to_string(timeout.count()) +
                                             " ms; check later with `pv tx get " + id.hex() + "`");
  const CommittedTx& c = *result->committed;
  if (c.result.code != TxCode::valid)
    return make_error(Errc::conflict, std::string("the ledger marked transaction ") + id.hex() +
                                          " " + tx_code_name(c.result.code) + ": " +
                                          c.result.reason);
  return c;
}

Result<nlohmann::json> NodeClient::resolve_did(const std::string& did) {
  return json_reply(check(impl_->url, impl_->send("GET", "/v1/did/" + did)));
}

Result<TxStatus> NodeClient::get_tx(const TxId& id) {
  auto j = json_reply(check(impl_->url, impl_->send("GET", "/v1/tx/" + id.hex())));
  if (!j) return j.error();
  return parse_tx_status(*j);
}

Result<InclusionProof> NodeClient::inclusion_proof(const TxId& id) {
  auto j = json_reply(check(impl_->url, impl_->send("GET", "/v1/tx/" + id.hex() + "/proof")));
  if (!j) return j.error();
  return parse_inclusion_proof(*j);
}

Result<std::string> NodeClient::checkpoint_note() {
  auto reply = check(impl_->url, impl_->send("GET", "/v1/checkpoint"));
  if (!reply) return reply.error();
  return std::move(reply->body);
}

Result<std::string> NodeClient::cosigned_checkpoint_note(std::size_t witnesses) {
  auto reply = check(impl_->url,
                     impl_->send("GET", "/v1/checkpoint?witnesses=" + std::to_string(witnesses)));
  if (!reply) return reply.error();
  return std::move(reply->body);
}

Result<ConsistencyProof> NodeClient::consistency_proof(std::uint64_t size1, std::uint64_t size2) {
  auto path =
      "/v1/proof/consistency?size1=" + std::to_string(size1) + "&size2=" + std::to_string(size2);
  auto j = json_reply(check(impl_->url, impl_->send("GET", path)));
  if (!j) return j.error();
  return parse_consistency_proof(*j);
}

Result<Block> NodeClient::block(std::uint64_t height) {
  auto reply = check(impl_->url,
                     impl_->send("GET", "/v1/blocks/" + std::to_string(height) + "?format=binary"));
  if (!reply) return reply.error();
  auto block = decode_block(as_bytes(reply->body));
  if (!block)
    return make_error(block.error().code,
                      "block " + std::to_string(height) +
                          " from the node does not decode: " + block.error().message);
  return block;
}

Status NodeClient::health() {
  auto reply = check(impl_->url, impl_->send("GET", "/healthz"));
  if (!reply) return reply.error();
  return Status::ok();
}

}  // namespace pv::api
