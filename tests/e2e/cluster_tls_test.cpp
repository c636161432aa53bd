// A cluster over TLS (scripts/cluster.sh start --tls: a throwaway CA, certificates for 3 etcd
// members and 3 nodes, every connection https): clients that trust the CA write and read, the
// nodes exchange checkpoints over https and verify each other's certificates, and a client that
// trusts another CA (or none, or speaks plain HTTP) is refused. Also the peer route's membership
// check: only a request signed by a genesis node key gets an answer.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../unit/node_test_support.hpp"
#include "api/client.hpp"
#include "cluster_process.hpp"
#include "node/node_key.hpp"

namespace pv {
namespace {

using namespace std::chrono_literals;
using e2e::LocalCluster;

constexpr const char* kClusterPassphrase = "pv local cluster node key passphrase";

// An https client of node `i` that trusts `ca_file`.
std::unique_ptr<httplib::SSLClient> tls_client(int port, const std::string& ca_file) {
  auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", port);
  c->set_ca_cert_path(ca_file.c_str());
  c->enable_server_certificate_verification(true);
  c->set_connection_timeout(3, 0);
  c->set_read_timeout(15, 0);
  return c;
}

double metric(httplib::SSLClient& c, const std::string& name) {
  auto r = c.Get("/metrics");
  if (!r || r->status != 200) return -1;
  auto at = r->body.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stod(r->body.substr(at + name.size() + 2));
}

httplib::Headers signed_get_headers(const SigningKey& key, const std::string& target, int port) {
  auto fields = api::signature_headers({key, did_key_from_public_key(key.public_key())}, "GET",
                                       target, "127.0.0.1:" + std::to_string(port), "", "");
  httplib::Headers headers;
  if (fields) headers = httplib::Headers(fields->begin(), fields->end());
  return headers;
}

bool wait_until(const std::function<bool()>& done, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(200ms);
  }
  return done();
}

TEST(ClusterTls, NodesAndClientsSpeakHttpsAndRefuseAnUntrustedCertificate) {
  LocalCluster cluster("--peer-check-interval-ms 300");
  ASSERT_TRUE(cluster.start(/*tls=*/true)) << cluster.last().out << cluster.last().err;
  const std::string ca = cluster.dir() + "/tls/ca.pem";
  ASSERT_EQ(cluster.node_url(0).rfind("https://", 0), 0u) << cluster.node_url(0);
  ASSERT_EQ(cluster.etcd_url(0).rfind("https://", 0), 0u) << cluster.etcd_url(0);
  std::vector<int> ports = {cluster.node_port(0), cluster.node_port(1), cluster.node_port(2)};

  auto c0 = tls_client(ports[0], ca);
  auto info = c0->Get("/v1/node");
  ASSERT_TRUE(info) << httplib::to_string(info.error());
  ASSERT_EQ(info->status, 200);
  auto net =
      *NetworkId::from_hex(nlohmann::json::parse(info->body)["networkId"].get<std::string>());

  // A signed write over https to node 2, committed, then the same block on every node.
  auto key = SigningKey::generate();
  nlohmann::json txs = nlohmann::json::array();
  for (std::uint64_t n = 1; n <= 5; ++n)
    txs.push_back(to_base64(testing::make_anchor(net, key, n)));
  std::string body = nlohmann::json{{"txs", txs}}.dump();
  const std::string target = "/v1/tx?wait=true&timeout_ms=10000";
  auto fields =
      api::signature_headers({key, did_key_from_public_key(key.public_key())}, "POST", target,
                             "127.0.0.1:" + std::to_string(ports[1]), body, "application/json");
  ASSERT_TRUE(fields);
  auto c1 = tls_client(ports[1], ca);
  auto posted =
      c1->Post(target, httplib::Headers(fields->begin(), fields->end()), body, "application/json");
  ASSERT_TRUE(posted) << httplib::to_string(posted.error());
  ASSERT_EQ(posted->status, 200) << posted->body;
  EXPECT_EQ(nlohmann::json::parse(posted->body)["results"][4]["status"], "committed");
  auto head_hash = [&](int port) -> std::string {
    auto c = tls_client(port, ca);
    auto n = c->Get("/v1/node");
    if (!n || n->status != 200) return "";
    auto h = nlohmann::json::parse(n->body)["height"].get<std::uint64_t>();
    auto b = c->Get("/v1/blocks/" + std::to_string(h));
    return b && b->status == 200 ? nlohmann::json::parse(b->body)["hash"].get<std::string>() : "";
  };
  ASSERT_TRUE(wait_until(
      [&] {
        std::string h = head_hash(ports[0]);
        return !h.empty() && h == head_hash(ports[1]) && h == head_hash(ports[2]);
      },
      30s));

  // The checkpoint exchange runs node to node over https with certificate verification: every
  // node completes checks with its two peers, and none finds a divergence.
  for (int p : ports) {
    auto c = tls_client(p, ca);
    EXPECT_TRUE(wait_until([&] { return metric(*c, "pv_peer_checks_total") >= 4; }, 30s))
        << "node at " << p << " completed no peer check over TLS";
    EXPECT_EQ(metric(*c, "pv_divergence_alarm"), 0);
  }

  // The pv client: trusts the cluster's CA through PV_NODE_CA; without it (the system store) or
  // with another CA it refuses the node's certificate.
  e2e::TempDir other;
  auto made = e2e::run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                        "/CN=some other CA", "-keyout", other.path() + "/ca.key", "-out",
                        other.path() + "/ca.pem"});
  ASSERT_TRUE(made.ok()) << made.err;
  auto verify = [&](const std::vector<std::string>& env) {
    return e2e::run({e2e::pv_bin(), "verify", "--node", cluster.node_url(2), "--json"}, env);
  };
  auto good = verify({"PV_NODE_CA=" + ca});
  EXPECT_TRUE(good.ok()) << good.out << good.err;
  auto wrong = verify({"PV_NODE_CA=" + other.path() + "/ca.pem"});
  EXPECT_FALSE(wrong.ok());
  EXPECT_NE((wrong.out + wrong.err).find("certificate"), std::string::npos)
      << wrong.out << wrong.err;
  auto none = verify({"PV_NODE_CA="});
  EXPECT_FALSE(none.ok()) << "a node certificate from a private CA was accepted with no CA given";

  auto untrusting = tls_client(ports[0], other.path() + "/ca.pem");
  auto refused = untrusting->Get("/v1/node");
  EXPECT_FALSE(refused) << "a client trusting another CA got an answer";
  if (!refused) {
    EXPECT_EQ(refused.error(), httplib::Error::SSLServerVerification);
  }
  httplib::Client plain("127.0.0.1", ports[0]);
  plain.set_read_timeout(3, 0);
  auto cleartext = plain.Get("/v1/node");
  EXPECT_FALSE(cleartext && cleartext->status == 200) << "plain HTTP was served on the TLS port";

  // The peer route answers only requests signed by a node key of the genesis membership.
  const std::string peer_target = "/v1/peer/status?height=1";
  auto unsigned_peer = c0->Get(peer_target);
  ASSERT_TRUE(unsigned_peer);
  EXPECT_EQ(unsigned_peer->status, 401);
  auto outsider = c0->Get(peer_target, signed_get_headers(key, peer_target, ports[0]));
  ASSERT_TRUE(outsider);
  EXPECT_EQ(outsider->status, 401) << outsider->body;
  EXPECT_NE(outsider->body.find("not a node key of the genesis membership"), std::string::npos)
      << outsider->body;
  EXPECT_NE(outsider->get_header_value("Content-Type").find("problem+json"), std::string::npos);
  auto node_key = load_or_create_node_key(
      cluster.node_dir(1),
      [](bool) -> Result<Passphrase> { return Passphrase(kClusterPassphrase); },
      KdfParams::interactive());
  ASSERT_TRUE(node_key) << node_key.error().message;
  auto member = c0->Get(peer_target, signed_get_headers(*node_key, peer_target, ports[0]));
  ASSERT_TRUE(member);
  EXPECT_EQ(member->status, 200) << member->body;
  // The same member signature replayed is refused.
  auto headers = signed_get_headers(*node_key, peer_target, ports[0]);
  auto first = c0->Get(peer_target, headers);
  auto replay = c0->Get(peer_target, headers);
  ASSERT_TRUE(first && replay);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(replay->status, 401) << replay->body;
}

}  // namespace
}  // namespace pv
