#pragma once
// Internal to the api level: helpers shared by the content routes (gateway, Kubo RPC, /v1
// blocks and pins).

#include <httplib.h>

#include <string>

#include "api/routes.hpp"
#include "content/byte_stream.hpp"
#include "content/cid.hpp"

namespace pv::api {

// Parses a CID as given in a URL or a Kubo `arg` ("/ipfs/" prefix allowed). Errors are
// Errc::invalid_argument and say what a CID looks like.
[[nodiscard]] Result<content::Cid> parse_cid_argument(std::string text);

// The store, or Errc::unavailable when this server was started without one.
[[nodiscard]] Result<content::BlockStore*> content_store(ApiContext& ctx);

// Writes to an httplib response stream, coalescing small writes into 256 KiB chunks.
class ResponseStream final : public content::ByteSink {
 public:
  explicit ResponseStream(httplib::DataSink& sink) : sink_(sink) { buffer_.reserve(kFlushAt); }
  [[nodiscard]] Status write(ByteView data) override;
  [[nodiscard]] Status flush();

 private:
  static constexpr std::size_t kFlushAt = 256 * 1024;
  httplib::DataSink& sink_;
  Bytes buffer_;
};

// Reads a whole request body of at most ctx.options.max_body_bytes (Errc::too_large beyond).
[[nodiscard]] Result<std::string> read_limited_body(const httplib::ContentReader& reader,
                                                    const ApiContext& ctx);

}  // namespace pv::api
