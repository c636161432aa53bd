#pragma once
// Internal to the http level: the server's shared state and one connection's life (server.cpp,
// connection.cpp). A connection lives on one I/O thread; its handler runs on a worker, which
// reaches the socket only by posting operations to that thread and waiting for them.

#include <utility>  // before Asio: its headers use std::exchange

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "http/admission.hpp"
#include "http/server.hpp"
#include "http/worker_pool.hpp"

namespace pv::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bh = boost::beast::http;
using tcp = asio::ip::tcp;

class Connection;

struct Server::Impl {
  Impl(const Router& r, Limits l, TlsFiles t, Hooks h);

  const Router& router;
  Limits limits;
  TlsFiles tls_files;
  Hooks hooks;
  std::optional<asio::ssl::context> tls;

  std::vector<std::unique_ptr<asio::io_context>> io;  // one per I/O thread
  std::size_t next_io = 0;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> accept_backoff;
  std::unique_ptr<WorkerPool> workers;
  int port = 0;

  RefusalCounters refusals;
  std::atomic<std::uint64_t> open_connections{0};
  std::atomic<std::uint64_t> buffered_bytes{0};
  std::atomic<std::uint64_t> internal_errors{0};
  std::atomic<bool> stopping{false};
  std::atomic<bool> io_stopped{false};  // the I/O threads have been joined
  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool serving = false;

  std::mutex registry_mu;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;
  std::unordered_map<std::string, std::size_t> per_address;

  // Reserves `n` bytes of the buffered-body budget; false when it would go over.
  bool reserve(std::size_t n);
  void release(std::size_t n);

  // The refusal's answer, shaped by the hooks (status, Retry-After, Allow ...).
  Response refusal_response(const std::string& path, const Refused& refused);

  void accept_next();
  void on_accepted(tcp::socket socket);
  void forget(Connection* c, const std::string& address);
};

// One client connection. Everything but the worker-side calls runs on its I/O thread.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  virtual ~Connection() = default;
  virtual void start(std::optional<Refused> refused_on_accept) = 0;
  // Stop: close now when idle, else after the request in progress.
  virtual void stop_soon() = 0;
  virtual asio::any_io_executor executor() = 0;
};

std::shared_ptr<Connection> make_plain_connection(Server::Impl& server, tcp::socket socket,
                                                  std::string remote);
std::shared_ptr<Connection> make_tls_connection(Server::Impl& server, tcp::socket socket,
                                                std::string remote);

}  // namespace pv::http
