#pragma once
// One HTTP request and its answer as a route handler sees them (docs/http-front.md). The front
// (http/server.hpp) has already parsed and checked everything here: the method, a target within
// the URL limit, a path and query parameters that are percent-decoded valid UTF-8, headers within
// the count and byte limits, and, unless the route streams its body, the whole body.

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pv::http {

// Header names compare case-insensitively (RFC 9110 section 5.1).
struct CaseInsensitiveLess {
  bool operator()(std::string_view a, std::string_view b) const;
};
using Headers = std::multimap<std::string, std::string, CaseInsensitiveLess>;
using Params = std::multimap<std::string, std::string>;

// Where a streamed response's bytes go. write() blocks until the connection took the bytes (or
// its write timeout passed) and returns false once the client is gone: stop producing then.
class DataSink {
 public:
  virtual ~DataSink() = default;
  [[nodiscard]] virtual bool write(const char* data, std::size_t size) = 0;
  // The response is complete.
  virtual void done() = 0;
};

// One part of a multipart/form-data body (RFC 7578), its headers as they came.
struct MultipartPart {
  std::string name;
  std::string filename;
  std::string content_type;
};

// The request body, read on demand. For most routes the front has already read the whole body
// (within the body limit) and the reader replays it; a streamed route's reader pulls it from the
// connection as the handler asks. Each callback returns false to stop reading.
class ContentReader {
 public:
  using DataCallback = std::function<bool(const char* data, std::size_t size)>;
  using PartCallback = std::function<bool(const MultipartPart& part)>;
  using Pull = std::function<bool(const DataCallback&)>;

  explicit ContentReader(Pull pull, std::string content_type)
      : pull_(std::move(pull)), content_type_(std::move(content_type)) {}

  // Every byte of the body, in pieces. False when the body ended early (the client went away)
  // or a callback stopped.
  bool operator()(const DataCallback& on_data) const { return pull_(on_data); }
  // A multipart/form-data body: on_part at the start of each part, then its bytes. False when the
  // body is not multipart, is malformed (no closing boundary included), or a callback stopped.
  bool operator()(const PartCallback& on_part, const DataCallback& on_data) const;

 private:
  Pull pull_;
  std::string content_type_;
};

struct Request {
  std::string method;     // as sent, e.g. "GET"
  std::string target;     // the raw request-target, e.g. "/v1/tx/ab%20?x=1"
  std::string path;       // percent-decoded path
  unsigned version = 11;  // 10 or 11
  Headers headers;
  Params params;                     // percent-decoded query parameters
  std::vector<std::string> matches;  // [0] the path, then each {param} of the route, decoded
  std::string remote_addr;
  std::string body;  // the whole body for a buffered route; empty for a streamed one

  bool has_header(std::string_view name) const;
  // The first value, or "" when absent.
  std::string get_header_value(std::string_view name) const;
  bool has_param(std::string_view name) const;
  // The first value, or "" when absent.
  std::string get_param_value(std::string_view name) const;
  std::size_t get_param_value_count(std::string_view name) const;
  bool is_multipart_form_data() const;
};

struct Response {
  using ChunkedProvider = std::function<bool(std::size_t offset, DataSink& sink)>;

  int status = 200;
  Headers headers;
  std::string body;
  // Set for a streamed answer (Transfer-Encoding: chunked): called until it calls sink.done();
  // returning false aborts the connection (the client sees a cut body).
  ChunkedProvider chunked_provider;

  void set_header(std::string_view name, std::string_view value);
  void set_content(std::string content, std::string_view content_type);
  void set_chunked_content_provider(std::string_view content_type, ChunkedProvider provider);
  std::string get_header_value(std::string_view name) const;
};

using Handler = std::function<void(const Request&, Response&, const ContentReader&)>;

}  // namespace pv::http
