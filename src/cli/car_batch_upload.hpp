#pragma once
// CarBatchUploader: sends blocks to a node as CARv1 batches of about kUploadBatchBytes to the
// signed POST /v1/blocks (the node checks each block against its CID and stores a batch all or
// nothing); the caller pins the root afterwards with POST /v1/pins/{cid}.
//
// Batches go up on kUploadConnections connections at once, each from a thread of its own, while
// the caller goes on chunking and hashing the next batch: one request at a time left client and
// node waiting on each other (each side idle about half the time). Memory stays bounded: at most
// kUploadConnections batches are in flight plus the one being filled, and their buffers are
// reused. Batches may reach the node in any order; only the pin, once every batch was
// acknowledged, makes the upload whole.

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "api/client.hpp"
#include "content/block_sink.hpp"
#include "content/byte_stream.hpp"
#include "content/car.hpp"

namespace pv::cli {

inline constexpr std::size_t kUploadBatchBytes = 8u << 20;  // under the node's 16 MiB body limit
inline constexpr std::size_t kUploadConnections = 2;

class CarBatchUploader final : public content::BlockSink {
 public:
  // Sends through connections of its own made from `client` (same node, trust and signer: set
  // the signer before). `client` itself is not used, so the caller may keep using it.
  explicit CarBatchUploader(api::NodeClient& client, std::size_t connections = kUploadConnections);
  ~CarBatchUploader() override;  // stops the senders; batches not yet sent are dropped
  CarBatchUploader(const CarBatchUploader&) = delete;
  CarBatchUploader& operator=(const CarBatchUploader&) = delete;

  // Checks the block against its CID (CarWriter::put), then buffers it. An error of a batch
  // sent earlier comes back here (or from flush()).
  [[nodiscard]] Status put(const content::Cid& cid, ByteView bytes) override;
  // A block the importer has just hashed is not hashed again (it was 1 of the 3 SHA-256 passes
  // over every byte `pv blob put` made; the others are the CID and the request's Content-Digest).
  [[nodiscard]] Status put_hashed(content::HashedByImporter hashed, const content::Cid& cid,
                                  ByteView bytes) override;
  // Sends what is buffered and waits until every batch was acknowledged; the first error of
  // any batch otherwise. Call once after the last put.
  [[nodiscard]] Status flush();
  std::uint64_t blocks_sent() const;
  std::uint64_t requests() const;

 private:
  struct Batch {
    Bytes car;
    std::uint64_t blocks = 0;
  };
  [[nodiscard]] Status start_batch(const content::Cid& first);
  [[nodiscard]] Status added();
  [[nodiscard]] Status hand_off();  // queues the filled batch; waits while too many are out
  [[nodiscard]] Status start_senders();
  void send_loop(api::NodeClient& connection);

  api::NodeClient& client_;
  const std::size_t connections_wanted_;
  content::MemorySink buffer_;
  std::unique_ptr<content::CarWriter> writer_;
  std::uint64_t blocks_in_batch_ = 0;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> queue_;
  std::vector<Bytes> spare_;
  std::size_t sending_ = 0;
  bool stopping_ = false;
  std::optional<Error> error_;
  std::uint64_t blocks_sent_ = 0, requests_ = 0;
  std::vector<std::unique_ptr<api::NodeClient>> connections_;
  std::vector<std::thread> senders_;
};

}  // namespace pv::cli
