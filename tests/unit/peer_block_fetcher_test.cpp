// Fetching content blocks from peers (node/peer_block_fetcher.hpp) against real HTTP peers on
// loopback: honest peers serve blocks from a real PackBlockStore and check the RFC 9421
// signature of every request; lying peers (the attack) send bytes that are not the block asked
// for. Nothing a liar sends may be stored or returned, and the next peer must be asked.

#include "node/peer_block_fetcher.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

#include "codec/did_key.hpp"
#include "content/dag_walk.hpp"
#include "content/file_importer.hpp"
#include "content/pack_block_store.hpp"
#include "content_test_support.hpp"
#include "identity/http_signature.hpp"

namespace pv {
namespace {

using content::Cid;
using content::test::pseudo_random_bytes;

// One HTTP peer on a free loopback port answering GET /v1/peer/blocks/{cid} with `answer`.
class TestPeer {
 public:
  using Answer = std::function<void(const Cid&, httplib::Response&)>;
  explicit TestPeer(Answer answer) : key_(SigningKey::generate()), answer_(std::move(answer)) {
    server_.Get(R"(/v1/peer/blocks/([^/]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  ++requests;
                  if (!signed_by_fetcher(req)) {
                    res.status = 401;
                    return;
                  }
                  auto cid = Cid::parse(std::string(req.matches[1]));
                  if (!cid) {
                    res.status = 400;
                    return;
                  }
                  answer_(*cid, res);
                });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~TestPeer() {
    server_.stop();
    thread_.join();
  }
  PeerNode node() const {
    return PeerNode{key_.public_key(), "http://127.0.0.1:" + std::to_string(port_)};
  }
  // The did:key the fetcher must sign with.
  std::string expected_signer;
  std::atomic<int> requests{0};
  std::atomic<int> unsigned_requests{0};

 private:
  bool signed_by_fetcher(const httplib::Request& req) {
    HttpRequest r{req.method, req.target, req.get_header_value("Host"), {}, to_bytes(req.body)};
    for (const auto& [k, v] : req.headers) r.headers.emplace(k, v);
    ReplayGuard guard;
    auto who = verify_request(r, resolve_did_key, std::chrono::system_clock::now(), guard);
    bool ok = who && *who == expected_signer;
    if (!ok) ++unsigned_requests;
    return ok;
  }
  SigningKey key_;
  Answer answer_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

class PeerBlockFetcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto_init();
    auto local = content::PackBlockStore::open(dir_.path() / "local");
    ASSERT_TRUE(local) << local.error().message;
    local_ = std::move(*local);
    auto source = content::PackBlockStore::open(dir_.path() / "source");
    ASSERT_TRUE(source) << source.error().message;
    source_ = std::move(*source);
    // A file of 3 chunks and a bit: 4 raw leaves under one dag-pb root.
    content::FileImporter importer(*source_);
    file_ = pseudo_random_bytes(3 * 262144 + 1000, 7);
    ASSERT_TRUE(importer.write(file_));
    auto imported = importer.finish();
    ASSERT_TRUE(imported);
    root_ = imported->root;
    ASSERT_TRUE(source_->pin(root_));
  }

  // Serves blocks from `source_` as they are.
  TestPeer::Answer honest() {
    return [this](const Cid& cid, httplib::Response& res) {
      auto bytes = source_->get(cid);
      if (!bytes) {
        res.status = 404;
        return;
      }
      res.set_content(std::string(as_chars(*bytes)), "application/vnd.ipld.raw");
    };
  }

  std::unique_ptr<PeerBlockFetcher> fetcher(std::vector<PeerNode> peers,
                                            std::vector<TestPeer*> servers) {
    for (auto* s : servers) s->expected_signer = did_key_from_public_key(client_.public_key());
    return std::make_unique<PeerBlockFetcher>(
        &client_, [peers] { return peers; }, *local_, std::chrono::seconds(5));
  }

  content::test::TempDir dir_;
  std::unique_ptr<content::PackBlockStore> local_, source_;
  Bytes file_;
  Cid root_ = Cid::v1(content::Multicodec::raw, Hash32{});
  PeerClient client_{SigningKey::generate(), ""};
};

TEST_F(PeerBlockFetcherTest, LyingPeerIsRefusedAndTheNextPeerServesTheBlock) {
  TestPeer liar([](const Cid&, httplib::Response& res) {
    res.set_content(std::string(1000, 'x'), "application/vnd.ipld.raw");
  });
  TestPeer honest_peer(honest());
  auto f = fetcher({honest_peer.node(), liar.node()}, {&liar, &honest_peer});
  // Ask the liar first.
  auto got = f->fetch(root_, liar.node().key);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, *source_->get(root_));
  EXPECT_EQ(liar.requests, 1);
  EXPECT_EQ(honest_peer.requests, 1);
  EXPECT_EQ(liar.unsigned_requests + honest_peer.unsigned_requests, 0);
  auto stored = local_->get(root_);
  ASSERT_TRUE(stored);
  EXPECT_EQ(*stored, *got);
  EXPECT_EQ(f->stats().bad_blocks, 1u);
  EXPECT_EQ(f->stats().blocks, 1u);
}

TEST_F(PeerBlockFetcherTest, EveryKindOfWrongBlockIsRefusedAndNothingIsStored) {
  // Some other real block (a valid block, but not the one asked for), a truncated block, the
  // right block with one flipped bit, and an empty answer.
  auto links = *source_->get(root_);
  std::vector<Bytes> lies;
  lies.push_back(pseudo_random_bytes(262144, 99));
  lies.push_back(Bytes(links.begin(), links.end() - 1));
  Bytes flipped = links;
  flipped[flipped.size() / 2] ^= 0x01;
  lies.push_back(flipped);
  lies.push_back(Bytes{});
  std::vector<std::unique_ptr<TestPeer>> liars;
  std::vector<PeerNode> peers;
  std::vector<TestPeer*> servers;
  for (const auto& lie : lies) {
    liars.push_back(std::make_unique<TestPeer>([lie](const Cid&, httplib::Response& res) {
      res.set_content(std::string(as_chars(lie)), "application/vnd.ipld.raw");
    }));
    peers.push_back(liars.back()->node());
    servers.push_back(liars.back().get());
  }
  auto f = fetcher(peers, servers);
  auto got = f->fetch(root_);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, Errc::not_found);
  EXPECT_NE(got.error().message.find("does not match the CID"), std::string::npos)
      << got.error().message;
  EXPECT_FALSE(*local_->has(root_));
  EXPECT_EQ(f->stats().bad_blocks, lies.size());
  EXPECT_EQ(f->stats().blocks, 0u);
  EXPECT_EQ(f->stats().misses, 1u);
  for (const auto& l : liars) EXPECT_EQ(l->requests, 1);
}

TEST_F(PeerBlockFetcherTest, FetchDagGetsEveryMissingBlockOnceAndThenNothing) {
  TestPeer missing_all([](const Cid&, httplib::Response& res) { res.status = 404; });
  TestPeer honest_peer(honest());
  auto f = fetcher({missing_all.node(), honest_peer.node()}, {&missing_all, &honest_peer});
  {
    auto report = f->fetch_dag(root_, missing_all.node().key);
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->blocks, 5u);
    EXPECT_EQ(report->fetched, 5u);
    ASSERT_TRUE(local_->pin(root_));
  }
  Bytes read;
  ASSERT_TRUE(content::read_file(*local_, root_, [&](ByteView b) {
    read.insert(read.end(), b.begin(), b.end());
    return Status::ok();
  }));
  EXPECT_EQ(read, file_);
  int before = honest_peer.requests;
  auto again = f->fetch_dag(root_);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->fetched, 0u);
  EXPECT_EQ(honest_peer.requests, before) << "blocks already here were fetched again";
}

TEST_F(PeerBlockFetcherTest, UnreachablePeerIsSkippedAndNoPeerIsANotFound) {
  TestPeer honest_peer(honest());
  // A port nothing listens on (bound and closed).
  int dead_port = 0;
  {
    httplib::Server s;
    dead_port = s.bind_to_any_port("127.0.0.1");
  }
  PeerNode dead{SigningKey::generate().public_key(),
                "http://127.0.0.1:" + std::to_string(dead_port)};
  auto f = fetcher({dead, honest_peer.node()}, {&honest_peer});
  auto got = f->fetch(root_, dead.key);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(f->stats().blocks, 1u);

  PeerBlockFetcher alone(
      nullptr, [] { return std::vector<PeerNode>{}; }, *local_);
  auto leaf = alone.fetch(Cid::of(content::Multicodec::raw, pseudo_random_bytes(10, 1)));
  ASSERT_FALSE(leaf);
  EXPECT_EQ(leaf.error().code, Errc::not_found);
}

TEST(PeersFor, OrderIsDeterministicPerCidAndPreferredComesFirst) {
  std::vector<PeerNode> peers;
  for (int i = 0; i < 5; ++i)
    peers.push_back({SigningKey::generate().public_key(), "http://n" + std::to_string(i)});
  Cid a = Cid::of(content::Multicodec::raw, to_bytes("a"));
  auto first = peers_for(a, peers);
  std::vector<PeerNode> reversed(peers.rbegin(), peers.rend());
  auto second = peers_for(a, reversed);
  ASSERT_EQ(first.size(), 5u);
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i].url, second[i].url);
  auto preferred = peers_for(a, peers, peers[3].key);
  EXPECT_EQ(preferred.front().url, "http://n3");
  // Different CIDs spread over different first choices.
  std::set<std::string> firsts;
  for (int i = 0; i < 40; ++i)
    firsts.insert(peers_for(Cid::of(content::Multicodec::raw, to_bytes(std::to_string(i))), peers)
                      .front()
                      .url);
  EXPECT_GE(firsts.size(), 3u);
}

}  // namespace
}  // namespace pv
