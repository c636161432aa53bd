// One connection's life: wait for a request (idle timeout), read its head (header timeout),
// admit it (admission.hpp), read its body (body timeout, size limits, memory budget), run its
// handler on a worker, write the answer (write timeout), and go on with the next request of a
// kept-alive connection, pipelined ones included, in order. Every refusal is answered, then the
// connection is closed gracefully (our side shut, the client's remaining bytes drained briefly)
// so that the client reads the answer rather than a reset.

#include <future>
#include <limits>

#include "http/body_pool.hpp"
#include "http/connection.hpp"

namespace pv::http {
namespace {

constexpr std::size_t kReadChunk = 16 * 1024;
constexpr std::size_t kFirstRead = 512;
// A declared body over the limit but within this many times it is read (and dropped) before
// the 413, so that a client writing it whole still reads the answer.
constexpr std::uint64_t kDrainFactor = 4;
constexpr std::uint64_t kNoBodyLimit = std::numeric_limits<std::uint64_t>::max();
constexpr std::size_t kStreamChunk = 64 * 1024;
// After a refusal: how long and how much of the client's unread input is drained.
constexpr auto kLingerTime = std::chrono::milliseconds(1'000);
constexpr std::size_t kLingerBytes = 1 << 20;

bool is_parse_error(const beast::error_code& ec) {
  return ec.category() == bh::make_error_code(bh::error::bad_target).category() &&
         ec != bh::error::end_of_stream && ec != bh::error::partial_message;
}

template <class Stream>
tcp::socket& socket_of(Stream& s) {
  if constexpr (std::is_same_v<Stream, tcp::socket>)
    return s;
  else
    return s.next_layer();
}

template <class Stream>
class Session final : public Connection {
 public:
  Session(Server::Impl& server, tcp::socket socket, std::string remote,
          std::optional<asio::ssl::context*> tls)
      : srv_(server),
        stream_(make_stream(std::move(socket), tls)),
        timer_(socket_of(stream_).get_executor()),
        buffer_(server.limits.max_header_bytes + server.limits.max_url_bytes + 2 * kReadChunk),
        remote_(std::move(remote)) {}

  ~Session() override { srv_.forget(this, remote_); }

  asio::any_io_executor executor() override { return socket_of(stream_).get_executor(); }

  void start(std::optional<Refused> refused_on_accept) override {
    refused_on_accept_ = std::move(refused_on_accept);
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      after_handshake();
    } else {
      arm(srv_.limits.header_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = self()](const beast::error_code& ec) {
                                self->disarm();
                                if (ec) return self->close();
                                self->after_handshake();
                              });
    }
  }

  void stop_soon() override {
    stopping_ = true;
    if (!busy_) close();
  }

 private:
  static Stream make_stream(tcp::socket socket, std::optional<asio::ssl::context*> tls) {
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      (void)tls;
      return socket;
    } else {
      return Stream(std::move(socket), **tls);
    }
  }

  std::shared_ptr<Session> self() {
    return std::static_pointer_cast<Session>(this->shared_from_this());
  }

  // --- timeouts: one timer; when it fires, the socket's operations are cancelled ---------------
  void arm(std::chrono::milliseconds after) {
    timed_out_ = false;
    const std::uint64_t gen = ++timer_gen_;
    timer_.expires_after(after);
    timer_.async_wait([self = self(), gen](const beast::error_code& ec) {
      if (ec || gen != self->timer_gen_) return;
      self->timed_out_ = true;
      beast::error_code ignored;
      socket_of(self->stream_).cancel(ignored);
    });
  }
  void disarm() {
    ++timer_gen_;
    timer_.cancel();
  }

  void after_handshake() {
    if (refused_on_accept_) return refuse(*refused_on_accept_);
    wait_request();
  }

  // --- reading a request -----------------------------------------------------------------------
  void wait_request() {
    if (stopping_ || srv_.stopping) return close();
    if (buffer_.size() > 0) return read_head();  // a pipelined request is already here
    arm(first_request_ ? srv_.limits.header_timeout : srv_.limits.idle_timeout);
    // A small first read: an idle connection then holds half a kilobyte, not a full chunk.
    stream_.async_read_some(buffer_.prepare(kFirstRead),
                            [self = self()](const beast::error_code& ec, std::size_t n) {
                              self->disarm();
                              if (ec) return self->close();  // idle timeout, EOF or reset
                              self->buffer_.commit(n);
                              self->read_head();
                            });
  }

  void read_head() {
    method_.clear();
    version_ = 11;
    head_.emplace();
    head_->header_limit(static_cast<std::uint32_t>(srv_.limits.max_header_bytes +
                                                   srv_.limits.max_url_bytes + 1024));
    // The declared length is judged by admit() (413, or no limit for a streamed route), not by
    // the parser's own default. (Not boost::none: Beast 1.74 compares a length with an empty
    // optional limit as "over the limit".)
    head_->body_limit(kNoBodyLimit);
    arm(srv_.limits.header_timeout);
    bh::async_read_header(stream_, buffer_, *head_,
                          [self = self()](const beast::error_code& ec, std::size_t) {
                            self->disarm();
                            self->on_head(ec);
                          });
  }

  void on_head(const beast::error_code& ec) {
    if (ec) {
      if (timed_out_)
        return refuse({Refusal::header_timeout,
                       "the request's headers did not arrive within " +
                           std::to_string(srv_.limits.header_timeout.count()) + " ms"});
      if (ec == bh::error::header_limit)
        return refuse({Refusal::headers_too_large,
                       "the request line and headers exceed " +
                           std::to_string(srv_.limits.max_header_bytes +
                                          srv_.limits.max_url_bytes) +
                           " bytes"});
      if (ec == bh::error::partial_message)
        return refuse({Refusal::malformed, "the connection ended inside the request's headers"});
      if (ec == bh::error::body_limit)
        return refuse({Refusal::body_too_large, "request body is larger than the limit of " +
                                                    std::to_string(srv_.limits.max_body_bytes) +
                                                    " bytes"});
      if (is_parse_error(ec))
        return refuse({Refusal::malformed, "the request could not be parsed: " + ec.message()});
      return close();
    }
    BodyInfo body;
    body.present = !head_->is_done();
    if (head_->content_length()) body.content_length = *head_->content_length();
    method_ = std::string(head_->get().method_string());
    version_ = head_->get().version() == 10 ? 10 : 11;
    auto admitted = admit(head_->get(), body, srv_.router, srv_.limits, remote_);
    keep_alive_ = head_->get().keep_alive();
    if (auto* refused = std::get_if<Refused>(&admitted)) {
      // A client that sends its whole body before reading (most do, without Expect) sees the
      // 413 only if the body is read: up to kDrainFactor times the limit it is read and dropped,
      // beyond that the answer goes out at once and the connection closes.
      if (refused->reason == Refusal::body_too_large && body.content_length &&
          *body.content_length <= kDrainFactor * srv_.limits.max_body_bytes)
        return drain_then_refuse(*refused, *body.content_length);
      return refuse(*refused);
    }
    current_ = std::move(std::get<Admitted>(admitted));
    if (!body.present) return dispatch();
    if (current_->route->body == BodyMode::streamed) {
      stream_parser_.emplace(std::move(*head_));
      head_.reset();
      stream_parser_->body_limit(kNoBodyLimit);
      return continue_then([self = self()] { self->dispatch(); });
    }
    // A buffered body: room reserved up front from the declared length (within the limit
    // admit() checked), or grown piece by piece for a chunked body.
    const std::size_t declared = body.content_length.value_or(0);
    if (!reserve(std::max<std::size_t>(declared, kReadChunk)))
      return refuse({Refusal::memory_budget,
                     "the node is receiving too many request bodies at once; retry shortly"});
    body_parser_.emplace(std::move(*head_));
    head_.reset();
    body_parser_->body_limit(srv_.limits.max_body_bytes);
    if (declared > 0) body_parser_->get().body() = acquire_body_buffer(declared);
    continue_then([self = self()] { self->read_body(); });
  }

  // Reads and drops `remaining` body bytes (with the body timeout between reads), then refuses.
  void drain_then_refuse(Refused refused, std::uint64_t remaining) {
    const std::size_t buffered = static_cast<std::size_t>(
        std::min<std::uint64_t>(remaining, buffer_.size()));
    buffer_.consume(buffered);
    remaining -= buffered;
    if (remaining == 0) return refuse(refused);
    if (!linger_buffer_) linger_buffer_ = std::make_unique<char[]>(kReadChunk);
    arm(srv_.limits.body_timeout);
    stream_.async_read_some(
        asio::buffer(linger_buffer_.get(),
                     static_cast<std::size_t>(std::min<std::uint64_t>(remaining, kReadChunk))),
        [self = self(), refused, remaining](const beast::error_code& ec, std::size_t n) {
          self->disarm();
          if (ec) return self->close();
          self->drain_then_refuse(refused, remaining - n);
        });
  }

  // Sends "100 Continue" first when the client waits for it.
  template <class Next>
  void continue_then(Next next) {
    if (!current_->expects_continue) return next();
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    arm(srv_.limits.write_timeout);
    asio::async_write(stream_, asio::buffer(kContinue),
                      [self = self(), next](const beast::error_code& ec, std::size_t) {
                        self->disarm();
                        if (ec) return self->close();
                        next();
                      });
  }

  void read_body() {
    arm(srv_.limits.body_timeout);
    bh::async_read_some(stream_, buffer_, *body_parser_,
                        [self = self()](const beast::error_code& ec, std::size_t) {
                          self->disarm();
                          self->on_body(ec);
                        });
  }

  void on_body(const beast::error_code& ec) {
    if (ec) {
      keep_alive_ = false;
      if (timed_out_)
        return refuse({Refusal::body_timeout,
                       "the request body stalled for " +
                           std::to_string(srv_.limits.body_timeout.count()) + " ms"});
      if (ec == bh::error::body_limit)
        return refuse({Refusal::body_too_large, "request body is larger than the limit of " +
                                                    std::to_string(srv_.limits.max_body_bytes) +
                                                    " bytes"});
      if (is_parse_error(ec))
        return refuse({Refusal::malformed, "the request body could not be parsed: " +
                                               ec.message()});
      return close();
    }
    const std::size_t have = body_parser_->get().body().size();
    if (have + kReadChunk > reserved_ && !reserve(have + kReadChunk - reserved_)) {
      keep_alive_ = false;
      return refuse({Refusal::memory_budget,
                     "the node is receiving too many request bodies at once; retry shortly"});
    }
    if (body_parser_->is_done()) return dispatch();
    read_body();
  }

  bool reserve(std::size_t n) {
    if (!srv_.reserve(n)) return false;
    reserved_ += n;
    return true;
  }
  void release_reserved() {
    srv_.release(reserved_);
    reserved_ = 0;
  }

  // --- running the handler on a worker -----------------------------------------------------------
  void dispatch() {
    busy_ = true;
    auto request = std::make_shared<Request>(std::move(current_->request));
    if (body_parser_) request->body = std::move(body_parser_->get().body());
    const Route* route = current_->route;
    const bool accepted = srv_.workers->try_submit([self = self(), request, route] {
      self->run_handler(*request, *route);
    });
    if (!accepted) {
      busy_ = false;
      // A streamed body was not read: the connection cannot go on.
      Refused r{Refusal::queue_full, "the node has too many requests waiting; retry shortly"};
      r.keep_alive = keep_alive_ && !stream_parser_;
      release_reserved();
      return refuse(r, request->path);
    }
  }

  // On a worker thread.
  void run_handler(Request& req, const Route& route) {
    auto res = std::make_shared<Response>();
    ContentReader reader(
        route.body == BodyMode::streamed
            ? ContentReader::Pull([this](const ContentReader::DataCallback& cb) {
                return pull_body(cb);
              })
            : ContentReader::Pull([&req](const ContentReader::DataCallback& cb) {
                return req.body.empty() || cb(req.body.data(), req.body.size());
              }),
        req.get_header_value("Content-Type"));
    try {
      route.handler(req, *res, reader);
    } catch (const std::exception& e) {
      *res = internal_error(req, e.what());
    } catch (...) {
      *res = internal_error(req, "unknown exception");
    }
    if (stream_parser_ && !stream_parser_->is_done()) keep_alive_ = false;  // body left unread
    recycle_body_buffer(std::move(req.body));
    if (srv_.hooks.answered) srv_.hooks.answered(req.method, route.label, res->status);
    bool streamed_ok = true;
    const bool streamed = static_cast<bool>(res->chunked_provider);
    if (streamed) streamed_ok = stream_response(req, *res);
    asio::post(executor(), [self = self(), res, streamed, streamed_ok, head = req.method == "HEAD",
                            version = req.version] {
      self->on_handled(std::move(*res), streamed, streamed_ok, head, version);
    });
  }

  Response internal_error(const Request& req, const std::string& what) {
    srv_.internal_errors++;
    srv_.refusals.add(Refusal::internal_error);
    if (srv_.hooks.internal_error) srv_.hooks.internal_error(req, what);
    return srv_.refusal_response(req.path, {Refusal::internal_error, "internal error"});
  }

  // On a worker: runs one socket operation on the I/O thread and waits for it.
  template <class Op>
  beast::error_code on_io_thread(std::chrono::milliseconds timeout, Op op) {
    std::promise<beast::error_code> done;
    auto result = done.get_future();
    asio::post(executor(), [this, timeout, &op, &done] {
      arm(timeout);
      op([this, &done](const beast::error_code& ec, std::size_t) {
        disarm();
        done.set_value(ec);
      });
    });
    // The I/O threads may stop first at shutdown (Server::serve): then the operation never
    // completes, and the worker gives up rather than wait forever.
    while (result.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready)
      if (srv_.io_stopped) return asio::error::operation_aborted;
    return result.get();
  }

  // On a worker: a streamed route's body, pulled from the connection.
  bool pull_body(const ContentReader::DataCallback& cb) {
    std::vector<char> chunk(kStreamChunk);
    while (!stream_parser_->is_done()) {
      auto ec = on_io_thread(srv_.limits.body_timeout, [&](auto handler) {
        stream_parser_->get().body().data = chunk.data();
        stream_parser_->get().body().size = chunk.size();
        bh::async_read_some(stream_, buffer_, *stream_parser_, std::move(handler));
      });
      if (ec && ec != bh::error::need_buffer) {
        keep_alive_ = false;
        return false;
      }
      const std::size_t got = chunk.size() - stream_parser_->get().body().size;
      if (got > 0 && !cb(chunk.data(), got)) return false;
    }
    return true;
  }

  // On a worker: writes a response whose body a provider produces (chunked for HTTP/1.1; for
  // HTTP/1.0 the raw bytes, then the connection closes). False when the client went away or the
  // provider gave up (the connection is closed then).
  bool stream_response(const Request& req, Response& res) {
    bh::response<bh::empty_body> head;
    head.version(req.version);
    head.result(static_cast<unsigned>(res.status));
    for (const auto& [name, value] : res.headers) head.insert(name, value);
    const bool chunked = req.version == 11;
    if (chunked)
      head.chunked(true);
    else
      keep_alive_ = false;
    head.keep_alive(keep_alive_ && !stopping_);
    bh::response_serializer<bh::empty_body> sr(head);
    auto ec = on_io_thread(srv_.limits.write_timeout, [&](auto handler) {
      bh::async_write_header(stream_, sr, std::move(handler));
    });
    if (ec) return false;
    if (req.method == "HEAD") return true;

    class Sink final : public DataSink {
     public:
      Sink(Session& s, bool chunked) : s_(s), chunked_(chunked) {}
      bool write(const char* data, std::size_t size) override {
        if (failed_ || finished_) return false;
        if (size == 0) return true;
        auto ec = s_.on_io_thread(s_.srv_.limits.write_timeout, [&](auto handler) {
          if (chunked_)
            asio::async_write(s_.stream_, bh::make_chunk(asio::buffer(data, size)),
                              std::move(handler));
          else
            asio::async_write(s_.stream_, asio::buffer(data, size), std::move(handler));
        });
        failed_ = static_cast<bool>(ec);
        if (!failed_) written_ += size;
        return !failed_;
      }
      void done() override {
        if (failed_ || finished_) return;
        finished_ = true;
        if (!chunked_) return;
        auto ec = s_.on_io_thread(s_.srv_.limits.write_timeout, [&](auto handler) {
          asio::async_write(s_.stream_, bh::make_chunk_last(), std::move(handler));
        });
        failed_ = static_cast<bool>(ec);
      }
      bool failed_ = false;
      bool finished_ = false;
      std::size_t written_ = 0;

     private:
      Session& s_;
      bool chunked_;
    } sink(*this, chunked);

    try {
      while (!sink.finished_ && !sink.failed_)
        if (!res.chunked_provider(sink.written_, sink)) return false;
    } catch (...) {
      return false;
    }
    return !sink.failed_;
  }

  // --- writing the answer --------------------------------------------------------------------
  void on_handled(Response res, bool streamed, bool streamed_ok, bool head, unsigned version) {
    release_reserved();
    if (streamed) {
      if (!streamed_ok || !keep_alive_) return graceful_close();
      return next_request();
    }
    write_response(std::move(res), head, version, keep_alive_);
  }

  void write_response(Response res, bool head_only, unsigned version, bool keep_alive) {
    auto out = std::make_shared<bh::response<bh::string_body>>();
    out->version(version);
    out->result(static_cast<unsigned>(res.status));
    for (const auto& [name, value] : res.headers) out->insert(name, value);
    out->body() = std::move(res.body);
    keep_alive = keep_alive && !stopping_ && !srv_.stopping;
    out->keep_alive(keep_alive);
    out->prepare_payload();
    auto done = [self = self(), out, keep_alive](const beast::error_code& ec, std::size_t) {
      self->disarm();
      if (ec) return self->close();
      if (!keep_alive) return self->graceful_close();
      self->next_request();
    };
    arm(srv_.limits.write_timeout);
    if (head_only) {
      auto sr = std::make_shared<bh::response_serializer<bh::string_body>>(*out);
      bh::async_write_header(stream_, *sr, [sr, done](const beast::error_code& ec,
                                                      std::size_t n) { done(ec, n); });
    } else {
      bh::async_write(stream_, *out, std::move(done));
    }
  }

  void next_request() {
    busy_ = false;
    first_request_ = false;
    head_.reset();
    body_parser_.reset();
    stream_parser_.reset();
    current_.reset();
    if (buffer_.size() == 0) buffer_.shrink_to_fit();  // an idle connection holds no buffer
    wait_request();
  }

  // Answers a refusal; the connection goes on only when the refusal says so and the client
  // keeps alive.
  void refuse(const Refused& refused, std::string path = {}) {
    srv_.refusals.add(refused.reason);
    if (path.empty() && current_) path = current_->request.path;
    Response res = srv_.refusal_response(path, refused);
    if (srv_.hooks.answered)
      srv_.hooks.answered(method_.empty() ? "-" : method_, "unmatched", res.status);
    const bool keep = refused.keep_alive && keep_alive_;
    busy_ = true;
    release_reserved();
    write_response(std::move(res), method_ == "HEAD", version_, keep);
  }

  // Shuts our side, then drains what the client still sends for a moment, so that it reads the
  // answer instead of a reset caused by unread input.
  void graceful_close() {
    beast::error_code ignored;
    socket_of(stream_).shutdown(tcp::socket::shutdown_send, ignored);
    arm(kLingerTime);
    linger_buffer_ = std::make_unique<char[]>(kReadChunk);
    linger();
  }
  void linger() {
    socket_of(stream_).async_read_some(
        asio::buffer(linger_buffer_.get(), kReadChunk),
        [self = self()](const beast::error_code& ec, std::size_t n) {
          self->lingered_ += n;
          if (ec || self->lingered_ > kLingerBytes) return self->close();
          self->linger();
        });
  }

  void close() {
    disarm();
    beast::error_code ignored;
    socket_of(stream_).close(ignored);
  }

  Server::Impl& srv_;
  Stream stream_;
  asio::steady_timer timer_;
  std::uint64_t timer_gen_ = 0;
  bool timed_out_ = false;
  beast::flat_buffer buffer_;
  std::string remote_;
  std::optional<Refused> refused_on_accept_;

  std::optional<bh::request_parser<bh::empty_body>> head_;
  std::optional<bh::request_parser<bh::string_body>> body_parser_;
  std::optional<bh::request_parser<bh::buffer_body>> stream_parser_;
  std::optional<Admitted> current_;
  std::size_t reserved_ = 0;
  bool keep_alive_ = true;
  bool first_request_ = true;
  bool busy_ = false;
  std::atomic<bool> stopping_{false};
  std::string method_;
  unsigned version_ = 11;
  std::unique_ptr<char[]> linger_buffer_;
  std::size_t lingered_ = 0;
};

}  // namespace

std::shared_ptr<Connection> make_plain_connection(Server::Impl& server, tcp::socket socket,
                                                  std::string remote) {
  return std::make_shared<Session<tcp::socket>>(server, std::move(socket), std::move(remote),
                                                std::nullopt);
}

std::shared_ptr<Connection> make_tls_connection(Server::Impl& server, tcp::socket socket,
                                                std::string remote) {
  return std::make_shared<Session<asio::ssl::stream<tcp::socket>>>(
      server, std::move(socket), std::move(remote), &*server.tls);
}

}  // namespace pv::http
