#include "cli/car_batch_upload.hpp"

namespace pv::cli {

CarBatchUploader::CarBatchUploader(api::NodeClient& client, std::size_t connections)
    : client_(client), connections_wanted_(std::max<std::size_t>(1, connections)) {}

CarBatchUploader::~CarBatchUploader() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : senders_) t.join();
}

Status CarBatchUploader::start_batch(const content::Cid& first) {
  if (writer_) return Status::ok();
  buffer_.bytes.clear();
  {
    std::lock_guard lock(mu_);
    if (error_) return *error_;
    if (!spare_.empty()) {
      buffer_.bytes = std::move(spare_.back());
      spare_.pop_back();
      buffer_.bytes.clear();
    }
  }
  // Room for a whole batch and its last block, so the buffer never grows by copying itself.
  buffer_.bytes.reserve(kUploadBatchBytes + content::kMaxCarSectionBytes);
  writer_ = std::make_unique<content::CarWriter>(buffer_);
  // A batch's CAR names its first block as root; the object's real root is pinned at the end.
  return writer_->write_header({first});
}

Status CarBatchUploader::added() {
  ++blocks_in_batch_;
  if (buffer_.bytes.size() >= kUploadBatchBytes) return hand_off();
  return Status::ok();
}

Status CarBatchUploader::put(const content::Cid& cid, ByteView bytes) {
  PV_TRY(start_batch(cid));
  PV_TRY(writer_->put(cid, bytes));
  return added();
}

Status CarBatchUploader::put_hashed(content::HashedByImporter hashed, const content::Cid& cid,
                                    ByteView bytes) {
  PV_TRY(start_batch(cid));
  PV_TRY(writer_->put_hashed(hashed, cid, bytes));
  return added();
}

Status CarBatchUploader::start_senders() {
  if (!senders_.empty()) return Status::ok();
  for (std::size_t i = 0; i < connections_wanted_; ++i) {
    auto connection = client_.another_connection();
    if (!connection) return connection.error();
    connections_.push_back(std::make_unique<api::NodeClient>(std::move(*connection)));
  }
  for (auto& c : connections_) senders_.emplace_back([this, &c] { send_loop(*c); });
  return Status::ok();
}

Status CarBatchUploader::hand_off() {
  if (!writer_) return Status::ok();
  PV_TRY(start_senders());
  Batch batch{std::move(buffer_.bytes), blocks_in_batch_};
  writer_.reset();
  blocks_in_batch_ = 0;
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return queue_.size() + sending_ < connections_.size() || error_; });
  if (error_) return *error_;
  queue_.push_back(std::move(batch));
  cv_.notify_all();
  return Status::ok();
}

void CarBatchUploader::send_loop(api::NodeClient& connection) {
  for (;;) {
    Batch batch;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (stopping_) return;  // what is still queued is dropped
      if (error_) {           // the upload failed: nothing more is sent
        queue_.clear();
        cv_.notify_all();
        continue;
      }
      batch = std::move(queue_.front());
      queue_.pop_front();
      ++sending_;
    }
    auto reply = connection.post_in_place("/v1/blocks", batch.car, "application/vnd.ipld.car");
    std::lock_guard lock(mu_);
    --sending_;
    if (!reply) {
      if (!error_) error_ = reply.error();
    } else {
      ++requests_;
      blocks_sent_ += batch.blocks;
    }
    if (spare_.size() < connections_.size()) spare_.push_back(std::move(batch.car));
    cv_.notify_all();
  }
}

Status CarBatchUploader::flush() {
  PV_TRY(hand_off());
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return (queue_.empty() && sending_ == 0) || error_; });
  if (error_) return *error_;
  spare_.clear();
  spare_.shrink_to_fit();
  return Status::ok();
}

std::uint64_t CarBatchUploader::blocks_sent() const {
  std::lock_guard lock(mu_);
  return blocks_sent_;
}

std::uint64_t CarBatchUploader::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

}  // namespace pv::cli
