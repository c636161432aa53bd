// Content replication on a real cluster (scripts/cluster.sh: 3 etcd members, 3 nodes) under a
// light continuous load: a record's encrypted content is uploaded and anchored through node A
// with the default replication.copies (2); A is killed with kill -9; the record and its
// content are then read through both other nodes, byte for byte, every block checked against
// its CID (one of them holds a replica, the other fetches from it). Anchors whose content is
// not on the node, or that cannot reach enough live nodes, are refused with a problem document
// and never reach the ledger.

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <nlohmann/json.hpp>

#include "../unit/node_test_support.hpp"
#include "api/client.hpp"
#include "cluster_process.hpp"
#include "content/car.hpp"
#include "content/file_importer.hpp"
#include "identity/key_wrap.hpp"
#include "identity/record_commitment.hpp"
#include "ledger/consent_payloads.hpp"

namespace pv {
namespace {

using namespace std::chrono_literals;
using e2e::LocalCluster;
using nlohmann::json;

httplib::Result post_signed(int port, const SigningKey& key, const std::string& path,
                            const std::string& body, const std::string& type) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(60, 0);
  auto fields = api::signature_headers({key, did_key_from_public_key(key.public_key())}, "POST",
                                       path, "127.0.0.1:" + std::to_string(port), body, type);
  httplib::Headers headers;
  if (fields) headers = httplib::Headers(fields->begin(), fields->end());
  return cli.Post(path, headers, body, type);
}

httplib::Result get(int port, const std::string& path) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(60, 0);
  return cli.Get(path);
}

bool pinned_on(int port, const std::string& cid) {
  auto r = get(port, "/v1/pins");
  if (!r || r->status != 200) return false;
  const json doc = json::parse(r->body, nullptr, false);
  if (!doc.is_object() || !doc["pins"].is_array()) return false;
  for (const auto& p : doc["pins"])
    if (p == cid) return true;
  return false;
}

double metric(int port, const std::string& name) {
  auto r = get(port, "/metrics");
  if (!r || r->status != 200) return -1;
  auto at = r->body.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stod(r->body.substr(at + name.size() + 2));
}

// Some ciphertext (what `pv blob put` would upload) as its UnixFS blocks.
struct Content {
  Bytes bytes;
  content::Cid root = content::Cid::v1(content::Multicodec::raw, Hash32{});
  std::map<content::Cid, Bytes> blocks;
  std::string car;
};

Content make_content(std::size_t size, std::uint8_t seed) {
  struct Keep : content::BlockSink {
    std::map<content::Cid, Bytes>* blocks;
    Status put(const content::Cid& c, ByteView b) override {
      blocks->emplace(c, Bytes(b.begin(), b.end()));
      return Status::ok();
    }
  };
  Content c;
  c.bytes.resize(size);
  random_bytes(c.bytes.data(), c.bytes.size());
  c.bytes[0] = seed;
  Keep keep;
  keep.blocks = &c.blocks;
  content::FileImporter importer(keep);
  EXPECT_TRUE(importer.write(c.bytes));
  c.root = importer.finish()->root;
  content::MemorySink out;
  content::CarWriter car(out);
  EXPECT_TRUE(car.write_header({c.root}));
  for (const auto& [cid, b] : c.blocks) EXPECT_TRUE(car.put(cid, b));
  c.car = std::string(as_chars(out.bytes));
  return c;
}

// Uploads and pins `c` on the node at `port`, as the author.
void upload(int port, const SigningKey& author, const Content& c) {
  auto up = post_signed(port, author, "/v1/blocks", c.car, "application/vnd.ipld.car");
  ASSERT_TRUE(up && up->status == 200) << (up ? up->body : "no answer");
  auto pin = post_signed(port, author, "/v1/pins/" + c.root.to_string(), "", "");
  ASSERT_TRUE(pin && pin->status == 200) << (pin ? pin->body : "no answer");
}

// A signed record anchor (type 30) naming `cid`, as `author` of organization `org`.
Bytes record_anchor(const NetworkId& net, const SigningKey& author, const SigningKey& patient,
                    const std::string& org, const content::Cid& cid, std::uint64_t nonce) {
  SecretKey32 data_key = generate_secret_key();
  RecordAnchor a;
  a.patient = did_key_from_public_key(patient.public_key());
  a.organization = org;
  a.cid = cid.bytes();
  a.commitment = record_commitment(data_key, as_bytes("imaging study"));
  a.category = "ImagingStudy";
  a.media_type = "application/dicom";
  a.size = 13;
  a.for_patient = {patient.public_key(), *seal_key_to_ed25519(data_key, patient.public_key())};
  a.for_author = {author.public_key(), *seal_key_to_ed25519(data_key, author.public_key())};
  Transaction tx;
  tx.type = kTxTypeRecordAnchor;
  tx.signer = did_key_from_public_key(author.public_key());
  tx.nonce = nonce;
  tx.created_ms = testing::now_ms();
  tx.payload = encode_record_anchor(a);
  sign_transaction(net, author, tx);
  return encode_transaction(tx);
}

httplib::Result submit(int port, const SigningKey& author, const Bytes& tx) {
  return post_signed(port, author, "/v1/tx?wait=true&timeout_ms=20000",
                     json{{"tx", to_base64(tx)}}.dump(), "application/json");
}

// Reads the content through the node at `port`: the file bytes and the CAR, whose every block is
// checked against its CID by the strict reader and compared with what was uploaded.
void expect_readable(int port, const Content& c) {
  auto file = get(port, "/ipfs/" + c.root.to_string());
  ASSERT_TRUE(file) << "port " << port;
  ASSERT_EQ(file->status, 200) << file->body.substr(0, 300);
  EXPECT_TRUE(file->body == std::string(as_chars(c.bytes))) << "ciphertext differs on " << port;
  auto car = get(port, "/ipfs/" + c.root.to_string() + "?format=car");
  ASSERT_TRUE(car && car->status == 200);
  content::MemorySource in(as_bytes(car->body));
  auto reader = content::CarReader::open(in);
  ASSERT_TRUE(reader) << reader.error().message;
  ASSERT_EQ(reader->roots().size(), 1u);
  EXPECT_EQ(reader->roots()[0], c.root);
  std::size_t blocks = 0;
  for (;;) {
    auto next = reader->next();
    ASSERT_TRUE(next) << next.error().message;
    if (!*next) break;
    ++blocks;
    auto it = c.blocks.find((*next)->cid);
    ASSERT_NE(it, c.blocks.end()) << "unexpected block " << (*next)->cid.to_string();
    EXPECT_EQ((*next)->bytes, it->second);
  }
  EXPECT_EQ(blocks, c.blocks.size());
}

TEST(ClusterReplication, RecordUploadedThroughAKilledNodeIsReadableThroughTheOthers) {
  LocalCluster cluster;
  ASSERT_TRUE(cluster.start()) << cluster.last().out << cluster.last().err;
  std::vector<int> ports = {cluster.node_port(0), cluster.node_port(1), cluster.node_port(2)};
  auto info = get(ports[0], "/v1/node");
  ASSERT_TRUE(info && info->status == 200);
  NetworkId net = *NetworkId::from_hex(json::parse(info->body)["networkId"].get<std::string>());
  json genesis = json::parse(e2e::read_text_file(cluster.node_dir(0) + "/../genesis.json"));
  const std::string org = genesis["organizations"][0]["did"];

  // Each node learns its peers from their progress records in etcd (published every second).
  for (int p : ports) {
    auto until = std::chrono::steady_clock::now() + 30s;
    while (metric(p, "pv_cluster_peers") < 2 && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(100ms);
    ASSERT_EQ(metric(p, "pv_cluster_peers"), 2) << "node at " << p << " does not see its peers";
  }

  // Continuous light load of plain anchors on every live node.
  std::atomic<bool> stop{false};
  std::vector<std::atomic<bool>> down(3);
  std::atomic<std::uint64_t> acknowledged{0};
  struct Joiner {
    std::atomic<bool>& stop;
    std::thread& t;
    ~Joiner() {
      stop = true;
      if (t.joinable()) t.join();
    }
  };
  std::thread load;
  Joiner joiner{stop, load};
  load = std::thread([&] {
    auto key = SigningKey::generate();
    std::uint64_t nonce = 1;
    for (std::size_t round = 0; !stop; ++round) {
      std::size_t i = round % 3;
      if (down[i]) continue;
      auto r = post_signed(ports[i], key, "/v1/tx?wait=true&timeout_ms=5000",
                           json{{"tx", to_base64(testing::make_anchor(net, key, nonce++))}}.dump(),
                           "application/json");
      if (r && r->status == 200)
        ++acknowledged;
      else
        std::this_thread::sleep_for(50ms);
    }
  });

  auto author = SigningKey::generate();
  auto patient = SigningKey::generate();
  std::uint64_t nonce = 1;
  // Content of 4 chunks (4 raw leaves under a dag-pb root).
  Content record = make_content(3 * 262144 + 5000, 1);
  ASSERT_EQ(record.blocks.size(), 5u);

  // Anchoring content that is not on the node is refused (409), and nothing is submitted.
  Content absent = make_content(1000, 2);
  Bytes orphan = record_anchor(net, author, patient, org, absent.root, nonce++);
  auto refused = submit(ports[0], author, orphan);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 409) << refused->body;
  EXPECT_NE(refused->body.find("upload it to this node first"), std::string::npos) << refused->body;
  EXPECT_EQ(get(ports[0], "/v1/tx/" + transaction_id(orphan).hex())->status, 404);

  // Upload and anchor through node A: acknowledged only once two nodes hold it pinned.
  upload(ports[0], author, record);
  Bytes anchor = record_anchor(net, author, patient, org, record.root, nonce++);
  auto accepted = submit(ports[0], author, anchor);
  ASSERT_TRUE(accepted);
  ASSERT_EQ(accepted->status, 200) << accepted->body;
  EXPECT_EQ(json::parse(accepted->body).value("status", ""), "committed") << accepted->body;
  const std::string cid = record.root.to_string();
  EXPECT_TRUE(pinned_on(ports[0], cid));
  int replica = pinned_on(ports[1], cid) ? 1 : pinned_on(ports[2], cid) ? 2 : -1;
  ASSERT_NE(replica, -1) << "no second node holds the record's content";
  int other = replica == 1 ? 2 : 1;
  EXPECT_FALSE(pinned_on(ports[other], cid)) << "copies=2 should make exactly one replica";

  // kill -9 node A; the record stays readable through both others.
  down[0] = true;
  LocalCluster::kill9(cluster.node_pid(0));
  std::uint64_t at_kill = acknowledged;
  for (int i : {replica, other}) {
    auto tx = get(ports[i], "/v1/tx/" + transaction_id(anchor).hex());
    ASSERT_TRUE(tx && tx->status == 200);
    EXPECT_EQ(json::parse(tx->body).value("status", ""), "committed") << tx->body;
    expect_readable(ports[i], record);
  }
  // The node without a replica fetched the blocks from the one with it, and none were bad.
  EXPECT_GE(metric(ports[other], "pv_content_peer_blocks_fetched_total"), 5);
  EXPECT_EQ(metric(ports[other], "pv_content_peer_bad_blocks_total"), 0);
  EXPECT_GE(metric(ports[replica], "pv_content_replicas_pinned_total"), 1);
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (acknowledged < at_kill + 5 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(100ms);
  EXPECT_GE(acknowledged, at_kill + 5) << "writes stopped after the kill";

  // With only one live node, copies=2 cannot be met: 503, nothing submitted.
  down[replica] = true;
  LocalCluster::kill9(cluster.node_pid(replica));
  Content lonely = make_content(2000, 3);
  upload(ports[other], author, lonely);
  Bytes unreplicated = record_anchor(net, author, patient, org, lonely.root, nonce++);
  auto unavailable = submit(ports[other], author, unreplicated);
  ASSERT_TRUE(unavailable);
  EXPECT_EQ(unavailable->status, 503) << unavailable->body;
  EXPECT_NE(unavailable->body.find("1 of the 2 nodes"), std::string::npos) << unavailable->body;
  EXPECT_EQ(get(ports[other], "/v1/tx/" + transaction_id(unreplicated).hex())->status, 404);
  EXPECT_EQ(metric(ports[other], "pv_content_anchors_refused_total"), 1);
}

}  // namespace
}  // namespace pv
