#include "cli/blob_transfer.hpp"

#include <httplib.h>

#include <cstring>

#include "api/problem.hpp"

namespace pv::cli {

CarDownload::CarDownload(const std::string& node_url, const std::string& target)
    : thread_([this, node_url, target] { run(node_url, target); }) {}

CarDownload::~CarDownload() {
  {
    std::lock_guard lock(mu_);
    cancelled_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CarDownload::run(std::string url, std::string target) {
  httplib::Client http(url);
  http.set_read_timeout(std::chrono::seconds(300));
  int status = 0;
  std::string error_body;
  auto r = http.Get(
      target, httplib::Headers{{"Accept", "application/vnd.ipld.car"}},
      [&](const httplib::Response& res) {
        status = res.status;
        return true;
      },
      [&](const char* data, std::size_t n) {
        if (status != 200) {
          if (error_body.size() < 64 * 1024) error_body.append(data, n);
          return true;
        }
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return buffered_ < kDownloadBufferBytes || cancelled_; });
        if (cancelled_) return false;
        // httplib hands the body over 4 KiB at a time: gather it into larger pieces rather
        // than allocating one string per 4 KiB.
        if (chunks_.empty() || chunks_.back().size() + n > kDownloadPieceBytes) {
          chunks_.emplace_back();
          chunks_.back().reserve(kDownloadPieceBytes);
        }
        chunks_.back().append(data, n);
        buffered_ += n;
        cv_.notify_all();
        return true;
      });
  std::lock_guard lock(mu_);
  if (!r && !cancelled_)
    error_ =
        make_error(Errc::io, "download from " + url + " failed: " + httplib::to_string(r.error()) +
                                 " (the node may have cut a stream whose block failed its "
                                 "check; see its log)");
  else if (r && status != 200)
    error_ = api::error_from_problem(status, error_body);
  done_ = true;
  cv_.notify_all();
}

Result<std::size_t> CarDownload::read(std::uint8_t* buf, std::size_t size) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !chunks_.empty() || done_; });
  if (chunks_.empty()) {
    if (error_) return *error_;
    return std::size_t{0};
  }
  std::string& front = chunks_.front();
  std::size_t n = std::min(size, front.size() - offset_);
  std::memcpy(buf, front.data() + offset_, n);
  offset_ += n;
  if (offset_ == front.size()) {
    buffered_ -= front.size();
    chunks_.pop_front();
    offset_ = 0;
    cv_.notify_all();
  }
  return n;
}

Result<Bytes> CarStreamStore::get(const content::Cid& cid) {
  if (taken_.contains(cid.digest())) return repeated(cid);
  auto next = reader_.next();
  if (!next) return next.error();
  if (!next->has_value())
    return make_error(Errc::corruption,
                      "the CAR ends before block " + cid.to_string() + " (incomplete DAG)");
  content::CarBlock& block = **next;
  if (block.cid.to_v1() != cid.to_v1())
    return make_error(Errc::corruption,
                      "the CAR holds " + block.cid.to_string() + " where " + cid.to_string() +
                          " was expected (not the DAG asked for, or out of order)");
  bytes_read_ += block.bytes.size();
  if (on_block) PV_TRY(on_block(block.cid, block.bytes));
  taken_.insert(block.cid.digest());
  remember(block.cid.digest(), block.bytes);
  return std::move(block.bytes);
}

Result<Bytes> CarStreamStore::repeated(const content::Cid& cid) {
  if (auto hit = cache_index_.find(cid.digest()); hit != cache_index_.end()) {
    cache_.splice(cache_.begin(), cache_, hit->second);
    return hit->second->second;
  }
  if (!fetch_again)
    return make_error(Errc::internal, "block " + cid.to_string() +
                                          " repeats in the DAG and is no longer in the cache");
  auto bytes = fetch_again(cid);
  if (!bytes) return bytes.error();
  if (!cid.matches(*bytes))
    return make_error(Errc::corruption, "the node answered bytes that do not hash to " +
                                            cid.to_string() + " when asked for it again");
  ++fetched_again_;
  remember(cid.digest(), *bytes);
  return bytes;
}

void CarStreamStore::remember(const Hash32& digest, const Bytes& bytes) {
  if (bytes.size() > cache_limit_) return;
  cache_.emplace_front(digest, bytes);
  cache_index_[digest] = cache_.begin();
  cache_bytes_ += bytes.size();
  while (cache_bytes_ > cache_limit_) {
    cache_bytes_ -= cache_.back().second.size();
    cache_index_.erase(cache_.back().first);
    cache_.pop_back();
  }
}

Result<bool> CarStreamStore::at_end() {
  auto next = reader_.next();
  if (!next) return next.error();
  return !next->has_value();
}

}  // namespace pv::cli
