#include "api/client.hpp"

#include <httplib.h>

namespace pv::api {

struct NodeClient::Impl {
  std::string url;
  httplib::Client http;
  explicit Impl(const std::string& u) : url(u), http(u) {}
};

namespace {

struct Reply {
  int status = 0;
  std::string body;
};

Error transport_error(const std::string& url, httplib::Error e) {
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

NodeClient::NodeClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NodeClient::NodeClient(NodeClient&&) noexcept = default;
NodeClient& NodeClient::operator=(NodeClient&&) noexcept = default;
NodeClient::~NodeClient() = default;

Result<NodeClient> NodeClient::connect(const std::string& url) {
  std::string u = url;
  while (!u.empty() && u.back() == '/') u.pop_back();
  const bool http = u.rfind("http://", 0) == 0, https = u.rfind("https://", 0) == 0;
  const std::size_t host_start = http ? 7 : 8;
  if ((!http && !https) || u.size() <= host_start || u.find('/', host_start) != std::string::npos)
    return make_error(Errc::invalid_argument,
                      "node URL must look like http://HOST:PORT, got \"" + url + "\"");
  auto impl = std::make_unique<Impl>(u);
  if (!impl->http.is_valid())
    return make_error(Errc::invalid_argument, "cannot use node URL \"" + url + "\"");
  impl->http.set_connection_timeout(std::chrono::seconds(5));
  impl->http.set_read_timeout(std::chrono::seconds(130));
  impl->http.set_keep_alive(true);
  return NodeClient(std::move(impl));
}

const std::string& NodeClient::url() const {
  return impl_->url;
}

Result<NodeInfo> NodeClient::info() {
  auto j = json_reply(check(impl_->url, impl_->http.Get("/v1/node")));
  if (!j) return j.error();
  return parse_node_info(*j);
}

Result<SubmissionResult> NodeClient::submit(const Bytes& encoded, bool wait,
                                            std::chrono::milliseconds timeout) {
  std::string path = "/v1/tx";
  if (wait) path += "?wait=true&timeout_ms=" + std::to_string(timeout.count());
  nlohmann::json body{{"tx", to_base64(encoded)}};
  auto j = json_reply(check(impl_->url, impl_->http.Post(path, body.dump(), "application/json")));
  if (!j) return j.error();
  return parse_submission_result(*j);
}

Result<TxStatus> NodeClient::get_tx(const TxId& id) {
  auto j = json_reply(check(impl_->url, impl_->http.Get("/v1/tx/" + id.hex())));
  if (!j) return j.error();
  return parse_tx_status(*j);
}

Result<InclusionProof> NodeClient::inclusion_proof(const TxId& id) {
  auto j = json_reply(check(impl_->url, impl_->http.Get("/v1/tx/" + id.hex() + "/proof")));
  if (!j) return j.error();
  return parse_inclusion_proof(*j);
}

Result<std::string> NodeClient::checkpoint_note() {
  auto reply = check(impl_->url, impl_->http.Get("/v1/checkpoint"));
  if (!reply) return reply.error();
  return std::move(reply->body);
}

Result<ConsistencyProof> NodeClient::consistency_proof(std::uint64_t size1, std::uint64_t size2) {
  auto path =
      "/v1/proof/consistency?size1=" + std::to_string(size1) + "&size2=" + std::to_string(size2);
  auto j = json_reply(check(impl_->url, impl_->http.Get(path)));
  if (!j) return j.error();
  return parse_consistency_proof(*j);
}

Result<Block> NodeClient::block(std::uint64_t height) {
  auto reply =
      check(impl_->url, impl_->http.Get("/v1/blocks/" + std::to_string(height) + "?format=binary"));
  if (!reply) return reply.error();
  auto block = decode_block(as_bytes(reply->body));
  if (!block)
    return make_error(block.error().code,
                      "block " + std::to_string(height) +
                          " from the node does not decode: " + block.error().message);
  return block;
}

Status NodeClient::health() {
  auto reply = check(impl_->url, impl_->http.Get("/healthz"));
  if (!reply) return reply.error();
  return Status::ok();
}

}  // namespace pv::api
