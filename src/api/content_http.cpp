#include "api/content_http.hpp"

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

Status ResponseStream::write(ByteView data) {
  if (buffer_.size() + data.size() > kFlushAt) PV_TRY(flush());
  if (data.size() >= kFlushAt) {
    if (!sink_.write(reinterpret_cast<const char*>(data.data()), data.size()))
      return make_error(Errc::io, "the client closed the connection");
    return Status::ok();
  }
  buffer_.insert(buffer_.end(), data.begin(), data.end());
  return Status::ok();
}

Status ResponseStream::flush() {
  if (buffer_.empty()) return Status::ok();
  bool ok = sink_.write(reinterpret_cast<const char*>(buffer_.data()), buffer_.size());
  buffer_.clear();
  if (!ok) return make_error(Errc::io, "the client closed the connection");
  return Status::ok();
}

Result<std::string> read_limited_body(const httplib::ContentReader& reader, const ApiContext& ctx) {
  std::string text;
  text.reserve(std::min<std::size_t>(ctx.options.max_body_bytes, 1u << 20));
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
