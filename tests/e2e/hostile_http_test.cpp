// The node's HTTP front tried as an attacker on the same machine would (docs/http-front.md):
// every documented operation (read from docs/openapi.yaml, so a new route is covered the day it
// is documented) with hostile path and query parameters and bodies, parser edge cases, header
// floods, compressed bombs, slowloris, idle connections, pipelining, half-close, HTTP/1.0 and
// connection limits, against a real `pv node start` process over raw sockets.
//
// After each test: the node is alive, never answered 5xx, answered every refusal with a problem
// document (Kubo's error shape on /api/v0), counted no internal error, kept its memory within a
// fixed bound and its file descriptors at their baseline, still serves every transaction it
// acknowledged, and `pv verify --data-dir` passes once it is stopped.

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "../interop/node_script.hpp"
#include "../unit/node_test_support.hpp"
#include "api/client.hpp"
#include "content/base32.hpp"
#include "content/cid.hpp"
#include "node_process.hpp"
#include "raw_http.hpp"

namespace pv::e2e {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::string kSpec = std::string(PV_SOURCE_DIR) + "/docs/openapi.yaml";
// The node under attack has short timeouts and a small body limit, so that slow and large
// attacks are quick to run; the defaults are documented in docs/configuration.md.
constexpr const char* kBodyLimit = "1048576";

std::uint64_t status_field(pid_t pid, const char* field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field, 0) == 0) return std::stoull(line.substr(std::strlen(field)));
  return 0;
}

std::size_t open_fds(pid_t pid) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
    ++n;
  return n;
}

std::string request(const std::string& method, const std::string& target,
                    const std::string& extra_headers = "", const std::string& body = "") {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers;
  if (!body.empty() || method == "POST") r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return r + "\r\n" + body;
}

// Compresses `size` zero bytes (a bomb: tiny on the wire, huge once inflated).
std::string deflate_zeros(std::size_t size, int window_bits) {
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, window_bits, 9, Z_DEFAULT_STRATEGY);
  std::string zeros(1 << 20, '\0'), out;
  char buf[1 << 16];
  for (std::size_t done = 0; done < size; done += zeros.size()) {
    z.next_in = reinterpret_cast<Bytef*>(zeros.data());
    z.avail_in = static_cast<uInt>(zeros.size());
    const int flush = done + zeros.size() >= size ? Z_FINISH : Z_NO_FLUSH;
    do {
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof buf;
      deflate(&z, flush);
      out.append(buf, sizeof buf - z.avail_out);
    } while (z.avail_out == 0);
  }
  deflateEnd(&z);
  return out;
}

// A node under attack, with acknowledged transactions to check afterwards.
class HostileNode {
 public:
  explicit HostileNode(std::vector<std::string> extra = {})
      : data_(tmp_.str() + "/node"), port_(free_port()), node_(data_, port_, flags(extra)) {}

  void start() {
    ASSERT_TRUE(node_.start()) << "node did not start; log: " << data_ << ".log";
    httplib::Client cli("127.0.0.1", port_);
    auto info = cli.Get("/v1/node");
    ASSERT_TRUE(info && info->status == 200);
    net_ = *NetworkId::from_hex(json::parse(info->body)["networkId"].get<std::string>());
    submit_and_remember(20);
    // Warm up (threads started, allocator arenas in use) before the baseline is taken.
    for (int i = 0; i < 50; ++i) cli.Get("/v1/checkpoint");
    take_baseline();
  }

  // Memory and descriptors to come back to (again after a setup that opens files, such as the
  // blockstore's first pack file).
  void take_baseline() {
    std::this_thread::sleep_for(300ms);  // connections just closed are let go first
    baseline_rss_kb_ = status_field(node_.pid(), "VmRSS:");
    baseline_fds_ = open_fds(node_.pid());
  }

  int port() const { return port_; }
  pid_t pid() const { return node_.pid(); }

  // Signed anchors committed with ?wait=true; their ids must survive everything.
  void submit_and_remember(int n) {
    auto key = SigningKey::generate();
    json txs = json::array();
    for (int i = 0; i < n; ++i) txs.push_back(to_base64(testing::make_anchor(net_, key, i + 1)));
    const std::string body = json{{"txs", txs}}.dump();
    const std::string host = "127.0.0.1:" + std::to_string(port_);
    auto fields = api::signature_headers({key, did_key_from_public_key(key.public_key())}, "POST",
                                         "/v1/tx?wait=true", host, body, "application/json");
    ASSERT_TRUE(fields);
    httplib::Client cli("127.0.0.1", port_);
    auto res = cli.Post("/v1/tx?wait=true", httplib::Headers(fields->begin(), fields->end()), body,
                        "application/json");
    ASSERT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
    for (const auto& r : json::parse(res->body)["results"]) {
      ASSERT_EQ(r.value("status", ""), "committed");
      acknowledged_.push_back(r["id"].get<std::string>());
    }
  }

  // Sends `bytes` on a fresh connection and checks the answer: never 5xx, a problem document
  // (or Kubo's shape) for every error. Returns it for further checks.
  RawAnswer attack(const std::string& bytes, const std::string& what, bool head = false) {
    RawConnection c(port_);
    EXPECT_TRUE(c.ok());
    c.send(bytes);
    auto answer = c.read_answer(10s, head);
    EXPECT_TRUE(answer) << what << ": no answer";
    if (!answer) return {};
    check_answer(*answer, what);
    ++attacks_;
    return *answer;
  }

  void check_answer(const RawAnswer& a, const std::string& what) {
    EXPECT_LT(a.status, 500) << what << " answered " << a.status << ": " << a.body.substr(0, 300);
    if (a.status < 400) return;
    const auto doc = json::parse(a.body, nullptr, false);
    if (what.find("/api/v0/") != std::string::npos && doc.is_object() && doc.contains("Message")) {
      EXPECT_EQ(doc.value("Type", ""), "error") << what;
      return;
    }
    EXPECT_EQ(a.header("content-type"), "application/problem+json") << what << ": " << a.head;
    ASSERT_TRUE(doc.is_object()) << what << ": not JSON: " << a.body.substr(0, 200);
    EXPECT_EQ(doc.value("status", 0), a.status) << what;
    EXPECT_FALSE(doc.value("title", "").empty()) << what;
    EXPECT_FALSE(doc.value("detail", "").empty()) << what;
  }

  // The closing checks (see the top of this file).
  void check_intact() {
    ASSERT_TRUE(node_.healthy()) << "the node is not healthy after the attacks";
    httplib::Client cli("127.0.0.1", port_);
    auto metrics = cli.Get("/metrics");
    ASSERT_TRUE(metrics && metrics->status == 200);
    EXPECT_NE(metrics->body.find("\npv_http_internal_errors_total 0\n"), std::string::npos)
        << "a handler failed unexpectedly; see " << data_ << ".log";
    EXPECT_EQ(metrics->body.find("code=\"5"), std::string::npos)
        << "some request was answered 5xx:\n"
        << metrics->body;
    // Memory: within a fixed bound of the warmed-up baseline, however much was sent.
    const std::uint64_t rss = status_field(node_.pid(), "VmRSS:");
    EXPECT_LT(rss, baseline_rss_kb_ + 256 * 1024)
        << "RSS grew from " << baseline_rss_kb_ << " kB to " << rss << " kB";
    // Descriptors: every connection of the attacks is closed again.
    std::size_t fds = open_fds(node_.pid());
    for (int i = 0; i < 100 && fds > baseline_fds_; ++i) {
      std::this_thread::sleep_for(50ms);
      fds = open_fds(node_.pid());
    }
    EXPECT_LE(fds, baseline_fds_) << "file descriptors did not return to the baseline";
    for (const auto& id : acknowledged_) {
      auto res = cli.Get("/v1/tx/" + id);
      ASSERT_TRUE(res && res->status == 200) << "acknowledged transaction " << id << " lost";
      EXPECT_EQ(json::parse(res->body).value("status", ""), "committed");
    }
    EXPECT_EQ(node_.terminate(), 0);
    auto verify = run({pv_bin(), "verify", "--data-dir", data_, "--json"});
    EXPECT_TRUE(verify.ok()) << verify.out << verify.err;
    std::cout << "hostile requests answered: " << attacks_ << ", RSS " << baseline_rss_kb_
              << " -> " << rss << " kB, fds " << baseline_fds_ << " -> " << fds << "\n";
  }

 private:
  static std::vector<std::string> flags(std::vector<std::string> extra) {
    std::vector<std::string> f = {"--block-timeout-ms",    "5",
                                  "--http-header-timeout-ms", "1000",
                                  "--http-body-timeout-ms", "1000",
                                  "--http-max-body-bytes",  kBodyLimit};
    f.insert(f.end(), extra.begin(), extra.end());
    return f;
  }

  testing::TempDir tmp_;
  std::string data_;
  int port_;
  NodeProcess node_;
  NetworkId net_{};
  std::vector<std::string> acknowledged_;
  std::uint64_t baseline_rss_kb_ = 0;
  std::size_t baseline_fds_ = 0;
  std::size_t attacks_ = 0;
};

// Odd CIDs: a CIDv0 naming a raw block's hash, an identity multihash, an unknown codec, a
// CIDv1 whose multihash is not sha2-256, and a CID of nothing stored.
std::vector<std::string> odd_cids(const std::string& raw_block_v0) {
  Bytes unknown_codec = {0x01, 0x99, 0x01, 0x12, 0x20};
  unknown_codec.resize(unknown_codec.size() + 32, 0x42);
  Bytes blake = {0x01, 0x55, 0xa0, 0xe4, 0x02, 0x20};
  blake.resize(blake.size() + 32, 0x17);
  return {raw_block_v0,
          "bafkqaaa",                                          // identity multihash, empty
          "bafkqac3imvwgy3zao5xxe3de",                         // identity multihash, "hello world"
          "b" + content::base32_lower_encode(unknown_codec),   // codec 0x99
          "b" + content::base32_lower_encode(blake),           // blake2b-256
          content::Cid::of(content::Multicodec::raw, as_bytes(std::string("absent"))).to_string(),
          "QmQmQmQmQmQmQmQmQmQmQmQmQmQmQmQmQmQmQmQmQmQmQm",
          "zb2rhe5P4gXftAwvA4eXQ5HJwsER2owDyS9sKaQRRVQPn93bA"};
}

std::vector<std::string> hostile_values() {
  return {"%ff",
          "%c3",
          "%c3%28",
          "%ed%a0%80",  // a UTF-16 surrogate, not UTF-8
          "%f4%90%80%80",
          "%00",
          "%",
          "%zz",
          "..%2f..%2fetc%2fpasswd",
          "-1",
          "18446744073709551616",
          "99999999999999999999999999999999",
          "0x10",
          "1e9",
          "%ef%bc%91",  // a fullwidth digit: UTF-8, not a decimal digit
          std::string(3000, 'a'),
          "did:pv:%ff",
          "did:key:",
          "did:x:y%0d%0aInjected: 1",
          "%22%3cscript%3e"};
}

TEST(HostileHttp, EveryDocumentedOperationSurvivesHostileParametersAndBodies) {
  testing::require_interop_tools("@apidevtools/swagger-parser");
  HostileNode node;
  ASSERT_NO_FATAL_FAILURE(node.start());
  // A raw block, so that its hash also names a CIDv0 (dag-pb) that is not one.
  std::string raw_block_v0;
  {
    const std::string block = "a raw block, not dag-pb";
    const auto cid = content::Cid::of(content::Multicodec::raw, as_bytes(block));
    const std::string boundary = "b0undary";
    const std::string body = "--" + boundary +
                             "\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n" + block +
                             "\r\n--" + boundary + "--\r\n";
    auto a = node.attack(request("POST", "/api/v0/block/put?cid-codec=raw",
                                 "Content-Type: multipart/form-data; boundary=" + boundary + "\r\n",
                                 body),
                         "block/put");
    ASSERT_EQ(a.status, 200) << a.body;
    raw_block_v0 = content::Cid::v0(cid.digest()).to_string();
    auto v0 = node.attack(request("GET", "/ipfs/" + raw_block_v0), "GET /ipfs/<CIDv0 of raw>");
    EXPECT_EQ(v0.status, 404) << "a CIDv0 of a raw block must not stream: " << v0.body;
    node.take_baseline();
  }

  auto r = testing::run_node_script("openapi_check.mjs", "parameters " + testing::shell_quote(kSpec));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const json ops = json::parse(r.out);
  ASSERT_GT(ops.size(), 30u);
  std::vector<std::string> values = hostile_values();
  for (const auto& c : odd_cids(raw_block_v0)) values.push_back(c);

  for (const auto& op : ops) {
    const std::string method = op["method"], templ = op["path"];
    // A harmless value for every path parameter, then each hostile value in each place.
    auto fill = [&](const std::string& target_param, const std::string& value) {
      std::string path = templ;
      for (const auto& p : op["params"]) {
        if (p["in"] != "path") continue;
        const std::string name = p["name"];
        const std::string v = name == target_param ? value : "x";
        path.replace(path.find("{" + name + "}"), name.size() + 2, v);
      }
      return path;
    };
    std::vector<std::pair<std::string, std::string>> targets;
    for (const auto& p : op["params"]) {
      const std::string name = p["name"];
      for (const auto& v : values) {
        if (p["in"] == "path")
          targets.emplace_back(fill(name, v), method + " " + templ + " " + name + "=" + v.substr(0, 40));
        else if (p["in"] == "query")
          targets.emplace_back(fill("", "") + "?" + name + "=" + v,
                               method + " " + templ + " ?" + name + "=" + v.substr(0, 40));
      }
    }
    targets.emplace_back(fill("", "") + "?%ff=1", method + " " + templ + " bad parameter name");
    targets.emplace_back(fill("", "") + "%ff", method + " " + templ + " bad tail");
    for (const auto& [target, what] : targets) {
      auto a = node.attack(request(method, target), what);
      if (target.size() > 8192) {
        EXPECT_EQ(a.status, 414) << what;
      }
    }
    if (method == "POST" || method == "DELETE") {
      const std::string target = fill("", "");
      const std::string name = method + " " + templ;
      for (const std::string& body :
           {std::string("not json {"), std::string("\xff\xfe\x00garbage", 10),
            std::string("{\"txs\": [\"%%%\"]}"), std::string("[]"),
            std::string("{\"a\":") + std::string(5000, '[')})
        node.attack(request(method, target, "Content-Type: application/json\r\n", body),
                    name + " body " + body.substr(0, 12));
      // Declared over the body limit: refused before a byte of it is read (not for the
      // streamed Kubo add, which has no size limit).
      if (templ != "/api/v0/add") {
        auto big = node.attack(method + " " + target +
                                   " HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999\r\n\r\n",
                               name + " huge Content-Length");
        EXPECT_EQ(big.status, 413) << name;
      }
      // Compressed bodies are never inflated: 415, whatever they hold.
      static const std::string gzip_bomb = deflate_zeros(64u << 20, 15 + 16);
      static const std::string deflate_bomb = deflate_zeros(64u << 20, 15);
      for (const auto& [enc, body] :
           {std::pair<std::string, std::string>{"gzip", gzip_bomb},
            {"deflate", deflate_bomb},
            {"br", std::string("\x1b\xff\xff\x0f", 4) + std::string(837, '\0')}}) {
        auto a = node.attack(request(method, target, "Content-Encoding: " + enc + "\r\n", body),
                             name + " " + enc + " bomb");
        EXPECT_EQ(a.status, 415) << name << " " << enc;
      }
    }
  }
  node.check_intact();
}

TEST(HostileHttp, ParserEdgeCasesAreRefusedWithTheRightStatus) {
  HostileNode node;
  ASSERT_NO_FATAL_FAILURE(node.start());
  struct Case {
    std::string bytes;
    int status;
    const char* what;
  };
  std::string many_headers = "GET /healthz HTTP/1.1\r\nHost: a\r\n";
  for (int i = 0; i < 1000; ++i) many_headers += "X-H" + std::to_string(i) + ": v\r\n";
  many_headers += "\r\n";
  const std::string big_header =
      "GET /healthz HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(40'000, 'v') + "\r\n\r\n";
  const std::vector<Case> cases = {
      {"GET /healthz HTTP/1.1\r\n\r\n", 400, "HTTP/1.1 without Host"},
      {"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "two Hosts"},
      {"GET /healthz HTTP/1.1\r\nHost: a\r\nNo colon here\r\n\r\n", 400, "header without colon"},
      {std::string("GET /healthz HTTP/1.1\r\nHost: a\r\nX-A: b\0c\r\n\r\n", 42), 400, "NUL"},
      {"GET /healthz HTTP/1.1\r\nHost: a\r\nX A: b\r\n\r\n", 400, "space in a header name"},
      {"GET /healthz HTTP/2.0\r\nHost: a\r\n\r\n", 400, "HTTP/2.0 request line"},
      {"GET\r\n\r\n", 400, "bare method"},
      {"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400, "TLS hello to plain HTTP"},
      {"GET /%ff HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid UTF-8 in the path"},
      {"GET /v1/tx/%ff HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid UTF-8 in a parameter"},
      {"POST /v1/tx/%ff HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", 400, "POST to bad path"},
      {"GET /\xff HTTP/1.1\r\nHost: a\r\n\r\n", 400, "a raw 0xFF in the path"},
      {"GET /" + std::string(20'000, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n", 414, "long URL"},
      {many_headers, 431, "1000 headers"},
      {big_header, 431, "40 kB header"},
      {"POST /v1/tx HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       400, "Content-Length and chunked"},
      {"POST /v1/tx HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400, "negative length"},
      {"POST /v1/tx HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n", 400, "bad length"},
      {"POST /v1/tx HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nab", 400,
       "two lengths"},
      {"POST /v1/tx HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400,
       "bad chunk size"},
      {"POST /v1/tx HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n",
       400, "chunk size overflow"},
      {"POST /v1/tx HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n200000\r\n" +
           std::string(1 << 21, 'x'),
       413, "chunked body over the limit"},
      {"POST /v1/tx HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999\r\n\r\n", 413,
       "declared body over the limit"},
      {"POST /v1/tx HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 400,
       "unknown transfer coding"},
      {"POST /v1/tx HTTP/1.1\r\nHost: a\r\nExpect: something\r\nContent-Length: 2\r\n\r\n{}",
       417, "unknown expectation"},
      {"POST /v1/tx HTTP/1.1\r\nHost: a\r\nContent-Encoding: gzip\r\nContent-Length: 2\r\n\r\n{}",
       415, "gzip body"},
      {"BREW /healthz HTTP/1.1\r\nHost: a\r\n\r\n", 405, "unknown method"},
      {"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", 400, "asterisk form"},
      {"GET http://127.0.0.1/healthz HTTP/1.1\r\nHost: a\r\n\r\n", 200, "absolute form"},
      {"GET http://127.0.0.1 HTTP/1.1\r\nHost: a\r\n\r\n", 404, "absolute form, no path"},
  };
  for (const auto& c : cases) {
    auto a = node.attack(c.bytes, c.what);
    EXPECT_EQ(a.status, c.status) << c.what << ": " << a.body;
  }
  // Chunk extensions and trailers are HTTP/1.1: answered (401: the route wants a signature).
  auto chunked = node.attack(
      "POST /v1/tx HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
      "2;ext=1\r\n{}\r\n0\r\nX-Trailer: t\r\n\r\n",
      "chunked with extension and trailer");
  EXPECT_EQ(chunked.status, 401) << chunked.body;
  // Expect: 100-continue is honoured: the interim answer, then the final one.
  {
    RawConnection c(node.port());
    c.send("POST /v1/tx HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
    auto interim = c.read_answer(5s);
    ASSERT_TRUE(interim);
    EXPECT_EQ(interim->status, 100);
    c.send("{}");
    auto final_answer = c.read_answer(5s);
    ASSERT_TRUE(final_answer);
    EXPECT_EQ(final_answer->status, 401);
  }
  node.check_intact();
}

TEST(HostileHttp, PipelinedHalfClosedAndHttp10RequestsAreAnswered) {
  HostileNode node;
  ASSERT_NO_FATAL_FAILURE(node.start());
  {  // Pipelined: three requests in one write, three answers in order.
    RawConnection c(node.port());
    c.send(request("GET", "/healthz") + request("GET", "/v1/nothing") +
           request("GET", "/v1/checkpoint"));
    auto a1 = c.read_answer(), a2 = c.read_answer(), a3 = c.read_answer();
    ASSERT_TRUE(a1 && a2 && a3);
    EXPECT_EQ(a1->status, 200);
    EXPECT_EQ(a1->body, "ok\n");
    EXPECT_EQ(a2->status, 404);
    EXPECT_EQ(a3->status, 200);
    EXPECT_EQ(a3->body.rfind("patientvault/", 0), 0u) << a3->body;
  }
  {  // A request followed by a half-close is answered, then the connection closes.
    RawConnection c(node.port());
    c.send(request("GET", "/healthz"));
    c.shutdown_write();
    auto a = c.read_answer(5s);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, 200);
    EXPECT_TRUE(c.closed_by_server(5s));
  }
  {  // HTTP/1.0: answered, then closed (no keep-alive asked for).
    RawConnection c(node.port());
    c.send("GET /healthz HTTP/1.0\r\n\r\n");
    auto a = c.read_answer(5s);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, 200);
    EXPECT_EQ(a->head.rfind("HTTP/1.0 200", 0), 0u) << a->head;
    EXPECT_TRUE(c.closed_by_server(5s));
  }
  {  // A POST without Content-Length has no body: answered as such (401: unsigned), not 408
     // after waiting for a body that never comes.
    RawConnection c(node.port());
    c.send("POST /v1/tx HTTP/1.1\r\nHost: a\r\n\r\n");
    auto a = c.read_answer(5s);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, 401);
  }
  {  // HEAD: the GET answer's headers, no body; the connection stays usable.
    RawConnection c(node.port());
    c.send(request("HEAD", "/v1/checkpoint"));
    auto a = c.read_answer(5s, /*head_request=*/true);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, 200);
    c.send(request("GET", "/healthz"));
    auto b = c.read_answer(5s);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->body, "ok\n");
  }
  node.check_intact();
}

TEST(HostileHttp, SlowAndIdleConnectionsDoNotStallTheNode) {
  HostileNode node;
  ASSERT_NO_FATAL_FAILURE(node.start());
  // 1,000 idle connections and 100 slowloris connections (a header line every 300 ms).
  std::vector<RawConnection> idle, slow;
  for (int i = 0; i < 1000; ++i) {
    idle.emplace_back(node.port(), ("127.0.1." + std::to_string(1 + i % 200)).c_str());
    ASSERT_TRUE(idle.back().ok());
  }
  for (int i = 0; i < 100; ++i) {
    slow.emplace_back(node.port(), ("127.0.2." + std::to_string(1 + i % 200)).c_str());
    ASSERT_TRUE(slow.back().ok());
    slow.back().send("GET /healthz HTTP/1.1\r\nHost: a\r\n");
  }
  // While they are open the node answers everyone else.
  for (int round = 0; round < 3; ++round) {
    for (auto& s : slow) s.send("X-Slow: 1\r\n");
    RawConnection c(node.port());
    c.send(request("GET", "/healthz"));
    auto a = c.read_answer(2s);
    ASSERT_TRUE(a) << "the node stalled behind slow connections (round " << round << ")";
    EXPECT_EQ(a->status, 200);
    std::this_thread::sleep_for(300ms);
  }
  // The slow ones are answered 408 once the header timeout (1 s here) passed, and closed.
  for (auto& s : slow) {
    auto a = s.read_answer(5s);
    ASSERT_TRUE(a) << "a slowloris connection got no 408";
    EXPECT_EQ(a->status, 408);
    node.check_answer(*a, "slowloris");
    EXPECT_TRUE(s.closed_by_server(5s));
  }
  // The idle ones sent nothing: they are closed quietly once the header timeout passed.
  for (auto& c : idle) EXPECT_TRUE(c.closed_by_server(5s));
  idle.clear();
  slow.clear();
  node.check_intact();
}

TEST(HostileHttp, ConnectionLimitsRefuseCleanly) {
  HostileNode node({"--http-max-connections-per-address", "20", "--http-idle-timeout-ms",
                    "60000"});
  ASSERT_NO_FATAL_FAILURE(node.start());
  std::vector<RawConnection> held;
  for (int i = 0; i < 20; ++i) {
    held.emplace_back(node.port(), "127.0.3.1");
    held.back().send(request("GET", "/healthz"));
    auto a = held.back().read_answer(5s);
    ASSERT_TRUE(a && a->status == 200);
  }
  // The 21st from the same address: 429, then closed.
  RawConnection extra(node.port(), "127.0.3.1");
  auto refused = extra.read_answer(5s);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  EXPECT_EQ(refused->header("retry-after"), "1");
  node.check_answer(*refused, "21st connection");
  EXPECT_TRUE(extra.closed_by_server(5s));
  // Another address is served.
  RawConnection other(node.port(), "127.0.3.2");
  other.send(request("GET", "/healthz"));
  auto ok = other.read_answer(5s);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  held.clear();
  other.close();
  extra.close();
  node.check_intact();
}

}  // namespace
}  // namespace pv::e2e
