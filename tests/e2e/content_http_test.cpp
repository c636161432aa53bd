// The node's content HTTP surface on real processes: kubo-rpc-client (npm, the Kubo project's
// client) against a node; the trustless gateway's raw and CAR answers read back with the
// content level's strict CAR reader; the remote backend, with one node keeping its blocks on a
// second node through the Kubo RPC API (no Kubo binary is installable here, so the second
// PatientVault node plays the IPFS node).

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "content/car.hpp"
#include "content/file_importer.hpp"
#include "node_process.hpp"

#ifndef PV_SOURCE_DIR
#error "PV_SOURCE_DIR must name the source tree (set in CMakeLists.txt)"
#endif

namespace pv::e2e {
namespace {

std::string random_text(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

// POST /api/v0/add with one multipart file; returns the "Hash".
std::string kubo_add(int port, const std::string& data) {
  httplib::Client c("127.0.0.1", port);
  httplib::MultipartFormDataItems items{{"file", data, "f.bin", "application/octet-stream"}};
  auto res = c.Post("/api/v0/add?cid-version=1", items);
  EXPECT_TRUE(res);
  if (!res) return {};
  EXPECT_EQ(res->status, 200) << res->body;
  auto doc = nlohmann::json::parse(res->body, nullptr, false);
  EXPECT_TRUE(doc.is_object()) << res->body;
  EXPECT_EQ(doc.value("Name", ""), "f.bin");
  return doc.value("Hash", "");
}

TEST(ContentHttp, KuboRpcClientAddsCatsReadsBlocksAndPins) {
  std::string node_bin = "node";
  std::string interop = std::string(PV_SOURCE_DIR) + "/tests/interop";
  ASSERT_TRUE(std::filesystem::exists(interop + "/node_modules/kubo-rpc-client/package.json"))
      << "run scripts/deps.sh (npm ci in tests/interop)";
  TempDir dir;
  NodeProcess node(dir / "node", free_port());
  ASSERT_TRUE(node.start());
  auto r =
      run({node_bin, interop + "/kubo_rpc_interop.mjs", node.url()}, {}, std::chrono::seconds(120));
  EXPECT_TRUE(r.ok()) << r.out << r.err;
  auto doc = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << r.out << r.err;
  EXPECT_EQ(doc.value("ok", false), true) << r.out;
  EXPECT_EQ(doc.value("leaves", 0), 3);
}

TEST(ContentHttp, GatewayServesVerifiedRawBlocksAndCarsAndRefusesBadRequests) {
  TempDir dir;
  NodeProcess node(dir / "node", free_port());
  ASSERT_TRUE(node.start());
  const std::string data = random_text(600'000, 1);
  const std::string cid = kubo_add(node.port(), data);
  ASSERT_FALSE(cid.empty());

  httplib::Client c("127.0.0.1", node.port());
  auto car = c.Get("/ipfs/" + cid + "?format=car");
  ASSERT_TRUE(car);
  ASSERT_EQ(car->status, 200);
  EXPECT_EQ(car->get_header_value("Content-Type").rfind("application/vnd.ipld.car", 0), 0u);
  content::MemorySource in(as_bytes(car->body));
  auto reader = content::CarReader::open(in);
  ASSERT_TRUE(reader.is_ok()) << reader.error().message;
  ASSERT_EQ(reader->roots().size(), 1u);
  EXPECT_EQ(reader->roots()[0].to_string(), cid);
  std::size_t blocks = 0, leaf_bytes = 0;
  for (;;) {
    auto next = reader->next();  // verifies every block against its CID
    ASSERT_TRUE(next.is_ok()) << next.error().message;
    if (!next->has_value()) break;
    if (blocks == 0) {
      EXPECT_EQ((*next)->cid.to_string(), cid) << "root first (pre-order)";
    }
    if ((*next)->cid.codec() == content::Multicodec::raw) leaf_bytes += (*next)->bytes.size();
    ++blocks;
  }
  EXPECT_EQ(blocks, 4u);  // root + 3 leaves
  EXPECT_EQ(leaf_bytes, data.size());

  // Accept header instead of ?format; the same CAR bytes.
  auto by_accept = c.Get("/ipfs/" + cid, {{"Accept", "application/vnd.ipld.car"}});
  ASSERT_TRUE(by_accept);
  EXPECT_EQ(by_accept->body, car->body);

  auto raw = c.Get("/ipfs/" + cid, {{"Accept", "application/vnd.ipld.raw"}});
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->get_header_value("Content-Type"), "application/vnd.ipld.raw");
  auto parsed = content::Cid::parse(cid);
  ASSERT_TRUE(parsed.is_ok());
  EXPECT_TRUE(parsed->matches(as_bytes(raw->body)));

  auto file = c.Get("/ipfs/" + cid);
  ASSERT_TRUE(file);
  EXPECT_EQ(file->body, data);

  auto bad_format = c.Get("/ipfs/" + cid + "?format=tar");
  ASSERT_TRUE(bad_format);
  EXPECT_EQ(bad_format->status, 400);
  EXPECT_EQ(bad_format->get_header_value("Content-Type"), "application/problem+json");
  auto missing = c.Get("/ipfs/bafkreigcxmdbqa5bsatkeo624ghgdmviwqtsftc56hqh2clutxzg7n7ama");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->get_header_value("Content-Type"), "application/problem+json");

  // Kubo routes answer Kubo's error shape; add refuses layouts that would change the CID.
  auto v0 = c.Post("/api/v0/add?cid-version=0",
                   httplib::MultipartFormDataItems{{"file", "x", "x", "text/plain"}});
  ASSERT_TRUE(v0);
  EXPECT_EQ(v0->status, 400);
  auto err = nlohmann::json::parse(v0->body, nullptr, false);
  EXPECT_EQ(err.value("Type", ""), "error") << v0->body;
  EXPECT_EQ(err.value("Code", -1), 1);
  EXPECT_NE(err.value("Message", "").find("cid-version=0"), std::string::npos);
}

TEST(ContentHttp, NodeKeepsBlocksOnARemoteKuboRpcNode) {
  TempDir dir;
  NodeProcess ipfs(dir / "ipfs", free_port());  // plays the IPFS node (Kubo RPC server)
  ASSERT_TRUE(ipfs.start());
  const std::string config = dir / "remote.json";
  std::ofstream(config) << "{\"blockstore\": {\"kubo\": \"" << ipfs.url() << "\"}}";
  NodeProcess node(dir / "node", free_port(), {"--config", config});
  ASSERT_TRUE(node.start());

  const std::string data = random_text(700'000, 2);
  const std::string cid = kubo_add(node.port(), data);
  ASSERT_FALSE(cid.empty());
  // The blocks and the pin are on the remote; the node's own data dir has no blockstore.
  EXPECT_FALSE(std::filesystem::exists(dir / "node/blocks"));
  httplib::Client remote("127.0.0.1", ipfs.port());
  auto pins = remote.Post("/api/v0/pin/ls", "", "application/octet-stream");
  ASSERT_TRUE(pins);
  EXPECT_NE(pins->body.find(cid), std::string::npos) << pins->body;
  auto on_remote = remote.Post("/api/v0/cat?arg=" + cid, "", "application/octet-stream");
  ASSERT_TRUE(on_remote);
  EXPECT_EQ(on_remote->body, data);

  // Read back through the node (each block fetched from the remote and checked).
  httplib::Client c("127.0.0.1", node.port());
  auto file = c.Get("/ipfs/" + cid);
  ASSERT_TRUE(file);
  EXPECT_EQ(file->body, data);
  auto rm = c.Post("/api/v0/pin/rm?arg=" + cid, "", "application/octet-stream");
  ASSERT_TRUE(rm);
  EXPECT_EQ(rm->status, 200) << rm->body;
  auto pins_after = remote.Post("/api/v0/pin/ls", "", "application/octet-stream");
  ASSERT_TRUE(pins_after);
  EXPECT_EQ(pins_after->body.find(cid), std::string::npos) << pins_after->body;

  // A remote that is not there stops the node at start with a clear error.
  const std::string dead = dir / "dead.json";
  std::ofstream(dead) << "{\"blockstore\": {\"kubo\": \"http://127.0.0.1:" << free_port() << "\"}}";
  auto refused = run({pv_bin(), "node", "start", "--data-dir", dir / "n3", "--listen",
                      "127.0.0.1:" + std::to_string(free_port()), "--config", dead},
                     {"PV_NODE_PASSPHRASE=" + std::string(kNodePassphrase)});
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.err.find("does not answer"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace pv::e2e
