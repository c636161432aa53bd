#include "api/content_http.hpp"

#include <charconv>
#include <mutex>
#include <vector>

namespace pv::api {

Result<content::Cid> parse_cid_argument(std::string text) {
  if (text.rfind("/ipfs/", 0) == 0) text = text.substr(6);
  if (text.empty())
    return make_error(Errc::invalid_argument, "a CID is required (e.g. bafkrei... or Qm...)");
  auto cid = content::Cid::parse(text);
  if (!cid)
    return make_error(Errc::invalid_argument,
                      "\"" + text.substr(0, 80) + "\" is not a CID: " + cid.error().message);
  return *cid;
}

Result<content::BlockStore*> content_store(ApiContext& ctx) {
  if (ctx.blocks == nullptr)
    return make_error(Errc::unavailable, "this node was started without a content store");
  return ctx.blocks;
}

Status ResponseStream::send(ByteView chunk) {
  if (!sink_.write(reinterpret_cast<const char*>(chunk.data()), chunk.size()))
    return make_error(Errc::io, "the client closed the connection");
  return Status::ok();
}

Status ResponseStream::write(ByteView data) {
  while (!data.empty()) {
    if (buffer_.empty() && data.size() >= kChunkBytes) {
      PV_TRY(send(data.first(kChunkBytes)));
      data = data.subspan(kChunkBytes);
      continue;
    }
    const std::size_t n = std::min(data.size(), kChunkBytes - buffer_.size());
    buffer_.insert(buffer_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
    data = data.subspan(n);
    if (buffer_.size() == kChunkBytes) PV_TRY(flush());
  }
  return Status::ok();
}

Status ResponseStream::flush() {
  if (buffer_.empty()) return Status::ok();
  Status s = send(buffer_);
  buffer_.clear();
  return s;
}

namespace {

// Buffers of upload bodies, kept for the next upload: a fresh 8 MiB buffer per request was a
// new mapping (the node's mmap threshold is 256 KiB) faulted in page by page, a quarter of the
// node's CPU during an upload. Two are kept, as many as `pv blob put` has in flight; they are
// ~16 MiB of memory kept once the node has taken an upload.
constexpr std::size_t kPooledBodies = 2;
constexpr std::size_t kPooledBodyMinBytes = 1u << 20;
std::mutex body_pool_mu;
std::vector<std::string> body_pool;

std::string body_buffer(std::size_t size) {
  std::string text;
  if (size >= kPooledBodyMinBytes) {
    std::lock_guard lock(body_pool_mu);
    if (!body_pool.empty()) {
      text = std::move(body_pool.back());
      body_pool.pop_back();
    }
  }
  text.clear();
  text.reserve(size);
  return text;
}

}  // namespace

RecycledBody::~RecycledBody() {
  if (body.capacity() < kPooledBodyMinBytes) return;
  body.clear();
  std::lock_guard lock(body_pool_mu);
  if (body_pool.size() < kPooledBodies) body_pool.push_back(std::move(body));
}

Result<std::string> read_limited_body(const httplib::ContentReader& reader, const ApiContext& ctx,
                                      const httplib::Request& req) {
  // Room for the declared length at once (within the limit): growing an 8 MiB upload by
  // doubling copied it several times and faulted in fresh pages each time.
  std::size_t declared = 0;
  const std::string length = req.get_header_value("Content-Length");
  const auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), declared);
  if (ec != std::errc() || end != length.data() + length.size()) declared = 0;
  std::string text = body_buffer(
      std::min<std::size_t>(ctx.options.max_body_bytes, std::max<std::size_t>(declared, 4096)));
  bool over_limit = false;
  reader([&](const char* data, std::size_t n) {
    // Keep reading past the limit (without storing) so the client sees a clean 413.
    if (text.size() + n > ctx.options.max_body_bytes) over_limit = true;
    if (!over_limit) text.append(data, n);
    return true;
  });
  if (over_limit)
    return make_error(Errc::too_large, "request body is larger than the limit of " +
                                           std::to_string(ctx.options.max_body_bytes) + " bytes");
  return text;
}

}  // namespace pv::api
