#pragma once
// Internal to the api level: helpers shared by the content routes (gateway, Kubo RPC, /v1
// blocks and pins).

#include "http/message.hpp"

#include <string>

#include "api/routes.hpp"
#include "content/byte_stream.hpp"
#include "content/cid.hpp"

namespace pv::api {

// Checks, before a streamed answer starts, that the root block read under `cid` is what the CID
// says: a dag-pb CID (every CIDv0 is one) must name a dag-pb node, since a raw block shares its
// hash with the CIDv0 of the same digest; with `as_file`, a UnixFS node. Finding that out once
// the 200 and part of a stream had gone would cut the answer short. Errc::not_found otherwise.
[[nodiscard]] Status check_root_block(const content::Cid& cid, ByteView root, bool as_file);

// The store, or Errc::unavailable when this server was started without one.
[[nodiscard]] Result<content::BlockStore*> content_store(ApiContext& ctx);

// Writes to a streamed response in chunks of kChunkBytes: small writes are coalesced, large ones
// cut, so that each chunk costs one write on the connection.
class ResponseStream final : public content::ByteSink {
 public:
  static constexpr std::size_t kChunkBytes = 64 * 1024;
  explicit ResponseStream(http::DataSink& sink) : sink_(sink) { buffer_.reserve(kChunkBytes); }
  [[nodiscard]] Status write(ByteView data) override;
  [[nodiscard]] Status flush();

 private:
  [[nodiscard]] Status send(ByteView chunk);
  http::DataSink& sink_;
  Bytes buffer_;
};

}  // namespace pv::api
