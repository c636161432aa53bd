#include "api/content_http.hpp"

#include <algorithm>

#include "content/dag_pb.hpp"
#include "content/unixfs.hpp"

namespace pv::api {

Status check_root_block(const content::Cid& cid, ByteView root, bool as_file) {
  if (cid.codec() != content::Multicodec::dag_pb) return Status::ok();
  auto node = content::decode_pb_node(root);
  if (!node)
    return make_error(Errc::not_found, "no dag-pb node has CID " + cid.to_string() +
                                           ": the block with this hash is not dag-pb (" +
                                           node.error().message +
                                           "); a raw block is addressed by its CIDv1 with the "
                                           "raw codec");
  if (as_file) {
    if (!node->data)
      return make_error(Errc::not_found, "CID " + cid.to_string() + " is not a UnixFS file");
    auto unixfs = content::decode_unixfs(*node->data);
    if (!unixfs)
      return make_error(Errc::not_found, "CID " + cid.to_string() +
                                             " is not a UnixFS file: " + unixfs.error().message);
  }
  return Status::ok();
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

}  // namespace pv::api
