// CarBatchUploader against a real node process: several CAR batches in flight on connections of
// their own all arrive and are stored; a refused batch stops the upload with the node's reason
// and nothing of it is stored.

#include <gtest/gtest.h>
#include <httplib.h>

#include <random>

#include "cli/car_batch_upload.hpp"
#include "codec/did_key.hpp"
#include "content/file_importer.hpp"
#include "node_process.hpp"

namespace pv::e2e {
namespace {

// `count` distinct raw blocks of one UnixFS chunk each.
std::vector<Bytes> random_blocks(std::size_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<Bytes> blocks(count, Bytes(content::kChunkSize));
  for (auto& b : blocks)
    for (auto& byte : b) byte = static_cast<std::uint8_t>(rng());
  return blocks;
}

class CarUpload : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = std::make_unique<NodeProcess>(dir_ / "node", free_port());
    ASSERT_TRUE(node_->start());
  }
  api::NodeClient signed_client(const SigningKey& key, const std::string& keyid) {
    auto client = api::NodeClient::connect(node_->url());
    EXPECT_TRUE(client);
    client->set_signer(api::RequestSigner{key, keyid});
    return std::move(*client);
  }
  int raw_status(const content::Cid& cid) {
    httplib::Client http("127.0.0.1", node_->port());
    auto r = http.Get("/ipfs/" + cid.to_string() + "?format=raw");
    return r ? r->status : -1;
  }
  TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
};

TEST_F(CarUpload, ManyBatchesInFlightAllArriveAndAreStored) {
  const SigningKey key = SigningKey::generate();
  api::NodeClient client = signed_client(key, did_key_from_public_key(key.public_key()));
  // 160 blocks of 256 KiB: 5 batches of 8 MiB, more than the connections in flight.
  const auto blocks = random_blocks(160, 1);
  std::vector<content::Cid> cids;
  {
    cli::CarBatchUploader uploader(client);
    for (const auto& b : blocks) {
      cids.push_back(content::Cid::of(content::Multicodec::raw, b));
      ASSERT_TRUE(uploader.put(cids.back(), b));
    }
    Status flushed = uploader.flush();
    ASSERT_TRUE(flushed) << flushed.error().message;
    EXPECT_EQ(uploader.requests(), 5u);
    EXPECT_EQ(uploader.blocks_sent(), blocks.size());
  }
  for (const auto& cid : cids) EXPECT_EQ(raw_status(cid), 200) << cid.to_string();
  // The caller's own client was left alone and still works.
  EXPECT_TRUE(client.health());
}

TEST_F(CarUpload, ARefusedBatchStopsTheUploadWithTheNodesReasonAndStoresNothing) {
  // Signed by one key under the keyid of another: every batch is refused (401).
  const SigningKey key = SigningKey::generate(), other = SigningKey::generate();
  api::NodeClient client = signed_client(key, did_key_from_public_key(other.public_key()));
  const auto blocks = random_blocks(160, 2);
  cli::CarBatchUploader uploader(client);
  Status failed = Status::ok();
  std::size_t put = 0;
  for (const auto& b : blocks) {
    failed = uploader.put(content::Cid::of(content::Multicodec::raw, b), b);
    if (!failed) break;
    ++put;
  }
  if (failed) failed = uploader.flush();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, Errc::unauthorized) << failed.error().message;
  EXPECT_NE(failed.error().message.find("signature"), std::string::npos) << failed.error().message;
  EXPECT_EQ(uploader.requests(), 0u);
  // At most the batches in flight and the one being filled were made before the refusal came
  // back: the uploader stops putting rather than reading the whole file.
  EXPECT_LE(put, (cli::kUploadConnections + 1) * 32 + 1);
  for (const auto& b : blocks)
    EXPECT_EQ(raw_status(content::Cid::of(content::Multicodec::raw, b)), 404);
}

}  // namespace
}  // namespace pv::e2e
