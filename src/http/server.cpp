#include "http/server.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <thread>

#include "http/connection.hpp"

namespace pv::http {

std::uint32_t Limits::resolved_io_threads() const {
  if (io_threads != 0) return io_threads;
  return std::clamp<std::uint32_t>(std::thread::hardware_concurrency(), 1, 4);
}

std::uint32_t Limits::resolved_worker_threads() const {
  return worker_threads != 0 ? worker_threads : 32;
}

Server::Impl::Impl(const Router& r, Limits l, TlsFiles t, Hooks h)
    : router(r), limits(l), tls_files(std::move(t)), hooks(std::move(h)) {
  for (std::uint32_t i = 0; i < limits.resolved_io_threads(); ++i)
    io.push_back(std::make_unique<asio::io_context>(1));
}

bool Server::Impl::reserve(std::size_t n) {
  std::uint64_t current = buffered_bytes.load();
  do {
    if (current + n > limits.max_buffered_bytes) return false;
  } while (!buffered_bytes.compare_exchange_weak(current, current + n));
  return true;
}

void Server::Impl::release(std::size_t n) {
  buffered_bytes -= n;
}

Response Server::Impl::refusal_response(const std::string& path, const Refused& refused) {
  Response res;
  res.status = refusal_status(refused.reason);
  if (hooks.refusal) {
    hooks.refusal(path, refused, res);
  } else {
    res.set_content("{\"status\":" + std::to_string(res.status) + "}\n",
                    "application/problem+json");
  }
  if (res.status == 503 || res.status == 429) res.set_header("Retry-After", "1");
  if (!refused.allow.empty()) res.set_header("Allow", refused.allow);
  if (refused.reason == Refusal::unsupported_encoding)
    res.set_header("Accept-Encoding", "identity");
  return res;
}

void Server::Impl::accept_next() {
  if (stopping) return;
  asio::io_context& target = *io[next_io++ % io.size()];
  acceptor->async_accept(target, [this](const beast::error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || stopping) return;
    if (ec) {
      // Out of file descriptors, say: wait a little rather than spin on the error.
      accept_backoff->expires_after(std::chrono::milliseconds(50));
      accept_backoff->async_wait([this](const beast::error_code& e) {
        if (!e) accept_next();
      });
      return;
    }
    on_accepted(std::move(socket));
    accept_next();
  });
}

void Server::Impl::on_accepted(tcp::socket socket) {
  beast::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return;
  socket.set_option(tcp::no_delay(true), ec);
  std::string address = endpoint.address().to_string();
  std::optional<Refused> refused;
  {
    std::lock_guard lock(registry_mu);
    std::size_t& from_address = per_address[address];
    if (open_connections >= limits.max_connections)
      refused = Refused{Refusal::too_many_connections,
                        "the node has too many open connections; retry shortly"};
    else if (from_address >= limits.max_connections_per_address)
      refused = Refused{Refusal::too_many_from_address,
                        "too many open connections from " + address + " (the limit is " +
                            std::to_string(limits.max_connections_per_address) + ")"};
    ++from_address;
    ++open_connections;
  }
  auto connection = tls ? make_tls_connection(*this, std::move(socket), address)
                        : make_plain_connection(*this, std::move(socket), address);
  {
    std::lock_guard lock(registry_mu);
    connections[connection.get()] = connection;
  }
  asio::post(connection->executor(),
             [connection, refused] { connection->start(refused); });
}

void Server::Impl::forget(Connection* c, const std::string& address) {
  std::lock_guard lock(registry_mu);
  connections.erase(c);
  auto it = per_address.find(address);
  if (it != per_address.end() && --it->second == 0) per_address.erase(it);
  --open_connections;
  stop_cv.notify_all();
}

Server::Server(const Router& router, Limits limits, TlsFiles tls, Hooks hooks)
    : impl_(std::make_unique<Impl>(router, limits, std::move(tls), std::move(hooks))) {}

Server::~Server() {
  stop();
  std::unique_lock lock(impl_->stop_mu);
  impl_->stop_cv.wait(lock, [this] { return !impl_->serving; });
}

namespace {

// Raises this process's open-file limit to its hard limit and returns how many connections fit
// under it (a few hundred descriptors are kept for the node's files and peers).
std::size_t connections_that_fit(std::size_t wanted) {
  constexpr std::size_t kReserved = 256;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return wanted;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY) return wanted;
  const std::size_t fit = limit.rlim_cur > kReserved * 2 ? limit.rlim_cur - kReserved
                                                         : limit.rlim_cur / 2;
  return std::min(wanted, fit);
}

}  // namespace

Result<int> Server::bind(const std::string& host, int port) {
  Impl& s = *impl_;
  if (s.acceptor) return make_error(Errc::invalid_argument, "HTTP server is already bound");
  s.limits.max_connections = connections_that_fit(s.limits.max_connections);
  if (s.tls_files.enabled()) {
    try {
      s.tls.emplace(asio::ssl::context::tls_server);
      s.tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
      s.tls->use_certificate_chain_file(s.tls_files.cert_file);
      s.tls->use_private_key_file(s.tls_files.key_file, asio::ssl::context::pem);
      if (SSL_CTX_check_private_key(s.tls->native_handle()) != 1)
        throw std::runtime_error("key does not match");
    } catch (const std::exception&) {
      s.tls.reset();
      return make_error(Errc::invalid_argument,
                        "cannot serve HTTPS with certificate \"" + s.tls_files.cert_file +
                            "\" and key \"" + s.tls_files.key_file +
                            "\": both must be readable PEM files and the key must match the "
                            "certificate");
    }
  }
  beast::error_code ec;
  auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec)
    return make_error(Errc::invalid_argument,
                      "cannot listen on " + host + ": not an IP address (use 127.0.0.1, 0.0.0.0 "
                      "or ::)");
  tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  tcp::acceptor acceptor(*s.io[0]);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return make_error(Errc::io, "cannot listen on " + host + ":" + std::to_string(port) + " (" +
                                    ec.message() + ")");
  s.port = acceptor.local_endpoint().port();
  s.acceptor.emplace(std::move(acceptor));
  s.accept_backoff.emplace(*s.io[0]);
  return s.port;
}

Status Server::serve() {
  Impl& s = *impl_;
  if (!s.acceptor) return make_error(Errc::invalid_argument, "HTTP server is not bound");
  {
    std::lock_guard lock(s.stop_mu);
    if (s.stopping) return Status::ok();
    s.serving = true;
  }
  s.workers = std::make_unique<WorkerPool>(s.limits.resolved_worker_threads(),
                                           s.limits.queue_capacity);
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (auto& io : s.io) guards.push_back(asio::make_work_guard(*io));
  asio::post(*s.io[0], [&s] { s.accept_next(); });
  std::vector<std::thread> threads;
  for (auto& io : s.io)
    threads.emplace_back([&io] {
      while (true) {
        try {
          io->run();
          return;
        } catch (...) {
          // A handler threw: the connection it served is gone; the others go on.
        }
      }
    });

  std::unique_lock lock(s.stop_mu);
  s.stop_cv.wait(lock, [&s] { return s.stopping.load(); });
  lock.unlock();

  // Stop accepting, close idle connections; the busy ones close after their answer.
  asio::post(*s.io[0], [&s] {
    beast::error_code ignored;
    s.acceptor->close(ignored);
    s.accept_backoff->cancel();
  });
  {
    std::lock_guard registry(s.registry_mu);
    for (auto& [ptr, weak] : s.connections)
      if (auto c = weak.lock()) asio::post(c->executor(), [c] { c->stop_soon(); });
  }
  lock.lock();
  s.stop_cv.wait_for(lock, s.limits.write_timeout, [&s] { return s.open_connections == 0; });
  lock.unlock();

  guards.clear();
  for (auto& io : s.io) io->stop();
  for (auto& t : threads) t.join();
  s.io_stopped = true;
  s.workers->stop();
  s.workers.reset();  // joins; a worker waiting on the I/O threads gives up (connection.cpp)
  // The connections still held by pending operations go with their io_context, while the
  // registry they leave is still there.
  s.acceptor.reset();
  s.accept_backoff.reset();
  s.io.clear();
  lock.lock();
  s.serving = false;
  s.stop_cv.notify_all();
  return Status::ok();
}

void Server::stop() {
  std::lock_guard lock(impl_->stop_mu);
  impl_->stopping = true;
  impl_->stop_cv.notify_all();
}

int Server::port() const {
  return impl_->port;
}

const RefusalCounters& Server::refusals() const {
  return impl_->refusals;
}

ServerStats Server::stats() const {
  ServerStats out;
  out.open_connections = impl_->open_connections;
  out.queued_requests = impl_->workers ? impl_->workers->queued() : 0;
  out.buffered_bytes = impl_->buffered_bytes;
  out.internal_errors = impl_->internal_errors;
  return out;
}

}  // namespace pv::http
