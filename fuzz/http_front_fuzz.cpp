// libFuzzer target for the HTTP front (docs/http-front.md): raw bytes through Beast's request
// parser with the node's limits, the front's admission checks (http/admission.hpp) and router,
// into the real route handlers of a real node on a real store (RocksDB ledger, pack blockstore
// in a scratch directory), as a connection would, without the sockets.
//
// Invariants checked:
//   1. Nothing throws and nothing crashes, whatever the bytes.
//   2. A refusal of the front has a 4xx status (413 and 431 included), never 5xx.
//   3. A handler never answers 500 (a bug: the node's fault) and never a status outside 100..599.
//   4. Every error answer's body is JSON (a problem document, or Kubo's error shape).

#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "api/block_store_config.hpp"
#include "api/server.hpp"
#include "crypto/ed25519.hpp"
#include "http/admission.hpp"
#include "node/node.hpp"

namespace {

namespace bh = boost::beast::http;

void check(bool ok) {
  if (!ok) std::abort();
}

struct FuzzNode {
  pv::NodeConfig config;
  std::unique_ptr<pv::Node> node;
  std::unique_ptr<pv::content::BlockStore> blocks;
  std::unique_ptr<pv::api::HttpServer> server;

  FuzzNode() {
    pv::crypto_init();
    const auto dir = std::filesystem::temp_directory_path() /
                     ("pv-http-fuzz-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    config.data_dir = dir.string();
    config.sync_writes = false;
    config.key_passphrase = [](bool) -> pv::Result<pv::Passphrase> {
      return pv::Passphrase("http fuzz node");
    };
    config.key_kdf = pv::KdfParams::interactive();
    // Small limits so that the fuzzer reaches them.
    config.http.max_body_bytes = 64 * 1024;
    auto n = pv::Node::open(config);
    check(static_cast<bool>(n));
    node = std::move(*n);
    auto b = pv::api::open_block_store(config);
    check(static_cast<bool>(b));
    blocks = std::move(*b);
    pv::api::HttpOptions options = pv::api::HttpOptions::from(config);
    options.replay_journal_dir.clear();
    options.max_wait = std::chrono::milliseconds(10);
    options.default_wait = std::chrono::milliseconds(10);
    server = std::make_unique<pv::api::HttpServer>(*node, options, blocks.get());
  }
};

FuzzNode& fuzz_node() {
  static FuzzNode* n = new FuzzNode();  // lives for the process (the node's threads use it)
  return *n;
}

class CollectingSink final : public pv::http::DataSink {
 public:
  bool write(const char*, std::size_t size) override {
    written += size;
    return written < (8u << 20);  // stop a very long answer: the client "went away"
  }
  void done() override { finished = true; }
  std::size_t written = 0;
  bool finished = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzNode& f = fuzz_node();
  const pv::http::Limits& limits = f.config.http;
  bh::request_parser<bh::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes + limits.max_url_bytes + 1024));
  parser.body_limit(limits.max_body_bytes);  // the front's limit for a buffered route
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec == bh::error::need_more) ec = {};
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (!parser.is_header_done()) return 0;  // the front answers 400/408/431 and closes

  pv::http::BodyInfo body;
  body.present = parser.get().has_content_length() || parser.get().chunked();
  if (parser.content_length()) body.content_length = *parser.content_length();
  auto admitted =
      pv::http::admit(parser.get().base(), body, f.server->router(), limits, "127.0.0.1");
  if (auto* refused = std::get_if<pv::http::Refused>(&admitted)) {
    const int status = pv::http::refusal_status(refused->reason);
    check(status >= 400 && status < 500);
    check(!refused->detail.empty());
    return 0;
  }
  if (ec || !parser.is_done()) return 0;  // a body the front would refuse or wait for

  auto& a = std::get<pv::http::Admitted>(admitted);
  pv::http::Request& req = a.request;
  req.body = parser.get().body();
  pv::http::ContentReader reader(
      [&req](const pv::http::ContentReader::DataCallback& cb) {
        return req.body.empty() || cb(req.body.data(), req.body.size());
      },
      req.get_header_value("Content-Type"));
  pv::http::Response res;
  a.route->handler(req, res, reader);
  check(res.status >= 100 && res.status < 600);
  check(res.status != 500);
  if (res.chunked_provider) {
    CollectingSink sink;
    for (int i = 0; i < 1000 && !sink.finished; ++i)
      if (!res.chunked_provider(sink.written, sink)) break;
  }
  if (res.status >= 400) check(nlohmann::json::accept(res.body));
  return 0;
}
