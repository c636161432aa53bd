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

// Writes to an httplib response stream in chunks of kChunkBytes: small writes are coalesced,
// large ones cut. httplib copies every chunk of a chunked response into fresh strings, one of
// which grows to twice the chunk; kept under the node's mmap threshold (256 KiB, node_cmd.cpp)
// those come from malloc's reused memory, while chunks of a 256 KiB block were each new
// mappings, faulted in page by page (half the node's CPU while it served a download).
class ResponseStream final : public content::ByteSink {
 public:
  static constexpr std::size_t kChunkBytes = 64 * 1024;
  explicit ResponseStream(httplib::DataSink& sink) : sink_(sink) { buffer_.reserve(kChunkBytes); }
  [[nodiscard]] Status write(ByteView data) override;
  [[nodiscard]] Status flush();

 private:
  [[nodiscard]] Status send(ByteView chunk);
  httplib::DataSink& sink_;
  Bytes buffer_;
};

// Reads a whole request body of at most ctx.options.max_body_bytes (Errc::too_large beyond),
// into a buffer sized once from the request's Content-Length (a reused one for a large body:
// give it back with RecycledBody when done).
[[nodiscard]] Result<std::string> read_limited_body(const httplib::ContentReader& reader,
                                                    const ApiContext& ctx,
                                                    const httplib::Request& req);

// Gives a large body's buffer back to read_limited_body's small pool when it goes out of scope
// (on every return of a handler). The body must not be used after that.
struct RecycledBody {
  std::string& body;
  ~RecycledBody();
};

}  // namespace pv::api
