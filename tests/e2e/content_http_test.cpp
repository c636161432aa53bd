// The node's content HTTP surface on real processes: kubo-rpc-client (npm, the Kubo project's
// client) against a node; the trustless gateway's raw and CAR answers read back with the
// content level's strict CAR reader; the remote backend, with a node keeping its blocks on a
// real js-ipfs daemon (npm, tests/interop/js-ipfs) through the Kubo RPC API.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "content/car.hpp"
#include "content/file_importer.hpp"
#include "identity/wallet.hpp"
#include "js_ipfs_daemon.hpp"
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

TEST(ContentHttp, KuboRpcClientAddsCatsReadsBlocksPinsAndCollectsGarbage) {
  std::string node_bin = "node";
  std::string interop = std::string(PV_SOURCE_DIR) + "/tests/interop";
  ASSERT_TRUE(std::filesystem::exists(interop + "/node_modules/kubo-rpc-client/package.json"))
      << "run scripts/deps.sh (npm ci in tests/interop)";
  TempDir dir;
  // No grace period: repo/gc may remove a block the moment no pin reaches it.
  const std::string config = dir / "no-grace.json";
  std::ofstream(config) << R"({"blockstore": {"gc-grace-seconds": 0}})";
  NodeProcess node(dir / "node", free_port(), {"--config", config});
  ASSERT_TRUE(node.start());
  auto r =
      run({node_bin, interop + "/kubo_rpc_interop.mjs", node.url()}, {}, std::chrono::seconds(120));
  EXPECT_TRUE(r.ok()) << r.out << r.err;
  auto doc = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << r.out << r.err;
  EXPECT_EQ(doc.value("ok", false), true) << r.out;
  EXPECT_EQ(doc.value("leaves", 0), 3);
  EXPECT_EQ(doc.value("collected", 0), 4);
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

// The js-ipfs daemon's recursive pins, from its own pin/ls.
std::string remote_pins(const JsIpfsDaemon& ipfs) {
  httplib::Client remote("127.0.0.1", ipfs.port());
  auto pins =
      remote.Post("/api/v0/pin/ls?type=recursive&cid-base=base32", "", "application/octet-stream");
  EXPECT_TRUE(pins);
  if (!pins) return {};
  EXPECT_EQ(pins->status, 200) << pins->body;
  return pins->body;
}

// The file of js-ipfs's repository that holds exactly `bytes` (its flat-file blockstore keeps
// one file per block); empty when there is none or more than one.
std::filesystem::path repo_file_holding(const std::filesystem::path& repo,
                                        const std::string& bytes) {
  std::vector<std::filesystem::path> found;
  for (const auto& e : std::filesystem::recursive_directory_iterator(repo / "blocks"))
    if (e.is_regular_file() && e.file_size() == bytes.size() &&
        read_text_file(e.path().string()) == bytes)
      found.push_back(e.path());
  return found.size() == 1 ? found[0] : std::filesystem::path();
}

TEST(ContentHttp, NodeKeepsBlocksOnARemoteKuboRpcNode) {
  TempDir dir;
  JsIpfsDaemon ipfs(dir / "ipfs-repo");
  ASSERT_TRUE(ipfs.start());
  const std::string config = dir / "remote.json";
  std::ofstream(config) << "{\"blockstore\": {\"kubo\": \"" << ipfs.url() << "\"}}";
  NodeProcess node(dir / "node", free_port(), {"--config", config});
  ASSERT_TRUE(node.start()) << read_text_file(dir / "node.log");

  // 700 kB: three raw leaves under a dag-pb root, all put through js-ipfs's block/put.
  const std::string data = random_text(700'000, 2);
  const std::string cid = kubo_add(node.port(), data);
  ASSERT_FALSE(cid.empty());
  // The blocks and the pin are on js-ipfs; the node's own data dir has no blockstore.
  EXPECT_FALSE(std::filesystem::exists(dir / "node/blocks"));
  EXPECT_FALSE(std::filesystem::exists(dir / "node/packs"));
  EXPECT_NE(remote_pins(ipfs).find(cid), std::string::npos);
  httplib::Client remote("127.0.0.1", ipfs.port());
  auto on_remote = remote.Post("/api/v0/cat?arg=" + cid, "", "application/octet-stream");
  ASSERT_TRUE(on_remote);
  EXPECT_EQ(on_remote->status, 200) << on_remote->body;
  EXPECT_EQ(on_remote->body, data);

  // Read back through the node (each block fetched from js-ipfs and checked against its CID).
  httplib::Client c("127.0.0.1", node.port());
  auto file = c.Get("/ipfs/" + cid);
  ASSERT_TRUE(file);
  EXPECT_EQ(file->status, 200) << file->body;
  EXPECT_EQ(file->body, data);

  // A block js-ipfs does not have is "not found", answered at once (offline, no search).
  const std::string never_stored = "a block nobody stored";
  auto absent = c.Get(
      "/ipfs/" + content::Cid::of(content::Multicodec::raw, to_bytes(never_stored)).to_string());
  ASSERT_TRUE(absent);
  EXPECT_EQ(absent->status, 404) << absent->body;

  // Attack: js-ipfs's block file for one leaf gets one flipped byte on disk. js-ipfs serves the
  // wrong bytes under the CID; the node refuses them as corruption and never serves them.
  const std::string leaf_data(data.substr(0, 262'144));
  const std::string leaf =
      content::Cid::of(content::Multicodec::raw, to_bytes(leaf_data)).to_string();
  const auto leaf_file = repo_file_holding(ipfs.repo(), leaf_data);
  ASSERT_FALSE(leaf_file.empty()) << "no single block file of js-ipfs holds the first leaf";
  std::string flipped = leaf_data;
  flipped[1000] ^= 0x01;
  std::ofstream(leaf_file, std::ios::binary | std::ios::trunc) << flipped;
  auto lying = remote.Post("/api/v0/block/get?arg=" + leaf, "", "application/octet-stream");
  ASSERT_TRUE(lying);
  EXPECT_EQ(lying->body, flipped) << "js-ipfs did not serve the flipped block";
  auto refused_leaf = c.Get("/ipfs/" + leaf);
  ASSERT_TRUE(refused_leaf);
  EXPECT_GE(refused_leaf->status, 500) << refused_leaf->body.substr(0, 300);
  EXPECT_NE(refused_leaf->body.find("do not match"), std::string::npos)
      << refused_leaf->body.substr(0, 300);
  EXPECT_EQ(refused_leaf->body.find(flipped.substr(900, 200)), std::string::npos);
  // The whole file streams its blocks: the node cuts the answer at the bad leaf (the client
  // sees a broken transfer) or answers an error; either way no flipped byte goes out.
  auto refused_file = c.Get("/ipfs/" + cid);
  if (refused_file) {
    EXPECT_NE(refused_file->body, data);
    EXPECT_EQ(refused_file->body.find(flipped.substr(900, 200)), std::string::npos);
  }
  std::ofstream(leaf_file, std::ios::binary | std::ios::trunc) << leaf_data;  // repaired
  auto repaired = c.Get("/ipfs/" + cid);
  ASSERT_TRUE(repaired);
  EXPECT_EQ(repaired->body, data);

  // `pv blob put` / `pv blob get` through the node: the ciphertext's blocks and pin land on
  // js-ipfs, and the round trip is byte-identical.
  WalletOptions options;
  options.kdf = KdfParams::interactive();
  auto wallet = Wallet::open(dir / "wallet", options);
  ASSERT_TRUE(wallet.is_ok());
  ASSERT_TRUE(wallet->create("alice", DidMethod::key, "alice-pass").is_ok());
  const std::vector<std::string> as_alice = {"PV_WALLET=" + dir / "wallet", "PV_AS=alice",
                                             "PV_PASSPHRASE=alice-pass"};
  const std::string plain = random_text(600'000, 3);
  std::ofstream(dir / "scan.dcm", std::ios::binary) << plain;
  auto put = run({pv_bin(), "blob", "put", dir / "scan.dcm", "--json", "--node", node.url()},
                 as_alice, std::chrono::seconds(120));
  ASSERT_TRUE(put.ok()) << put.out << put.err;
  auto put_doc = nlohmann::json::parse(put.out, nullptr, false);
  ASSERT_TRUE(put_doc.is_object()) << put.out;
  const std::string blob = put_doc.value("cid", "");
  EXPECT_NE(remote_pins(ipfs).find(blob), std::string::npos) << blob;
  auto get = run({pv_bin(), "blob", "get", blob, "-o", dir / "back.dcm", "--key",
                  put_doc.value("wrappedKey", ""), "--json", "--node", node.url()},
                 as_alice, std::chrono::seconds(120));
  ASSERT_TRUE(get.ok()) << get.out << get.err;
  EXPECT_EQ(read_text_file(dir / "back.dcm"), plain);

  // Unpinned through the node, the pin is gone from js-ipfs.
  auto rm = c.Post("/api/v0/pin/rm?arg=" + cid, "", "application/octet-stream");
  ASSERT_TRUE(rm);
  EXPECT_EQ(rm->status, 200) << rm->body;
  EXPECT_EQ(remote_pins(ipfs).find(cid), std::string::npos);

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
