#pragma once
// Moving content between the client and a node without holding a file in memory:
//  - CarBatchUploader (car_batch_upload.hpp) sends blocks as CARv1 batches to the signed
//    POST /v1/blocks, several at once; the caller pins the root afterwards.
//  - CarDownload streams GET /ipfs/{cid}?format=car into a strict CarReader (every block checked
//    against its CID) through a bounded buffer (kDownloadBufferBytes), so a slow reader slows
//    the download rather than growing memory.
//  - CarStreamStore lets content::read_file check the UnixFS structure of a streamed CAR: each
//    get() of a block not seen yet must be the next block of the CAR, in the pre-order the
//    gateway writes. The CAR holds each distinct block once (dups=n) while a file reads every
//    occurrence in order, so a block the DAG repeats (a chunk of zeros, a whole subtree of
//    them) is asked for again after the CAR has moved past it: it comes from a small cache of
//    recent blocks (least recently used dropped first) or, once dropped, from `fetch_again`
//    (one GET /ipfs/{cid}?format=raw), checked against its CID.

#include <condition_variable>
#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "api/client.hpp"
#include "cli/car_batch_upload.hpp"
#include "content/block_store.hpp"
#include "content/car.hpp"

namespace pv::cli {

inline constexpr std::size_t kDownloadBufferBytes = 8u << 20;
inline constexpr std::size_t kDownloadPieceBytes = 128u << 10;
inline constexpr std::size_t kRepeatCacheBytes = 4u << 20;

// The body of GET {node}{target}, streamed from a background thread.
class CarDownload final : public content::ByteSource {
 public:
  // Starts the request. `node_url` is "http://HOST:PORT".
  CarDownload(const std::string& node_url, const std::string& target);
  ~CarDownload() override;  // cancels the transfer if still running
  CarDownload(const CarDownload&) = delete;
  CarDownload& operator=(const CarDownload&) = delete;
  // Reads body bytes; an HTTP error (a problem document) or a cut connection is an error here.
  [[nodiscard]] Result<std::size_t> read(std::uint8_t* buf, std::size_t size) override;

 private:
  void run(std::string url, std::string target);
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> chunks_;
  std::size_t buffered_ = 0, offset_ = 0;
  bool done_ = false, cancelled_ = false;
  std::optional<Error> error_;
  std::thread thread_;
};

class CarStreamStore final : public content::BlockStore {
 public:
  explicit CarStreamStore(content::CarReader& reader, std::size_t cache_bytes = kRepeatCacheBytes)
      : reader_(reader), cache_limit_(cache_bytes) {}
  [[nodiscard]] Result<Bytes> get(const content::Cid& cid) override;
  // True when the CAR has no block left (call after read_file).
  [[nodiscard]] Result<bool> at_end();
  std::uint64_t bytes_read() const { return bytes_read_; }

  [[nodiscard]] Status put(const content::Cid&, ByteView) override { return unsupported(); }
  [[nodiscard]] Result<bool> has(const content::Cid&) override { return unsupported(); }
  [[nodiscard]] Status sync() override { return unsupported(); }
  [[nodiscard]] Status pin(const content::Cid&) override { return unsupported(); }
  [[nodiscard]] Status unpin(const content::Cid&) override { return unsupported(); }
  [[nodiscard]] Result<std::vector<content::Cid>> pins() override { return unsupported(); }
  [[nodiscard]] Result<content::GcReport> collect_garbage() override { return unsupported(); }

  // Every block taken from the CAR, once each, for callers that re-emit them (pv blob export).
  std::function<Status(const content::Cid&, ByteView)> on_block;
  // Fetches a repeated block that has left the cache; unset, such a block is an error.
  std::function<Result<Bytes>(const content::Cid&)> fetch_again;
  std::uint64_t blocks_fetched_again() const { return fetched_again_; }

 private:
  static Error unsupported() {
    return make_error(Errc::internal, "a streamed CAR can only be read in order");
  }
  [[nodiscard]] Result<Bytes> repeated(const content::Cid& cid);
  void remember(const Hash32& digest, const Bytes& bytes);

  content::CarReader& reader_;
  std::uint64_t bytes_read_ = 0, fetched_again_ = 0;
  std::set<Hash32> taken_;  // every block the CAR has given (32 bytes per distinct block)
  std::list<std::pair<Hash32, Bytes>> cache_;  // most recently used first
  std::map<Hash32, std::list<std::pair<Hash32, Bytes>>::iterator> cache_index_;
  std::size_t cache_bytes_ = 0, cache_limit_;
};

}  // namespace pv::cli
