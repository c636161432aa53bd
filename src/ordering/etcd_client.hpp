#pragma once
// A client of etcd's v3 API through its JSON gateway (etcd 3.4: POST /v3/kv/put, /v3/kv/range,
// /v3/watch, /v3/kv/compaction, /v3/maintenance/{status,defragment,alarm}), over HTTP or HTTPS
// with cpp-httplib. Keys and values travel base64-encoded; revisions as decimal strings.
//
// Endpoints are tried in turn: a transport failure or an "unavailable" answer moves to the next
// endpoint, so a dead or frozen member costs one timeout, not the cluster. Thread-safe: each call
// opens its own connection.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "base/bytes.hpp"

namespace pv {

struct EtcdTls {
  std::string ca_file;    // verify members' certificates against this CA (https endpoints)
  std::string cert_file;  // client certificate, when members require one
  std::string key_file;
};

struct EtcdOptions {
  std::vector<std::string> endpoints;  // http://host:port or https://host:port
  EtcdTls tls;
  std::chrono::milliseconds timeout{3000};  // per request (connect, read, write)
};

struct EtcdKeyValue {
  Bytes key;
  Bytes value;
  std::uint64_t mod_revision = 0;
};

struct EtcdMemberStatus {
  std::uint64_t db_size = 0;         // bytes the backend file takes
  std::uint64_t db_size_in_use = 0;  // bytes in use (the rest is freed by defragmentation)
  std::uint64_t revision = 0;
  std::uint64_t leader = 0;  // member id of the leader as this member sees it; 0: none
};

// An active alarm of one member.
struct EtcdAlarm {
  std::uint64_t member_id = 0;
  std::string alarm;  // "NOSPACE", "CORRUPT"
};

// How a watch ended.
struct WatchEnd {
  bool stopped = false;                // the caller asked to stop (callback returned false)
  std::uint64_t compact_revision = 0;  // > 0: start revision was compacted away
};

class EtcdClient {
 public:
  explicit EtcdClient(EtcdOptions options);

  // Writes key = value; returns the revision of the write.
  [[nodiscard]] Result<std::uint64_t> put(ByteView key, ByteView value);
  // Every key with `prefix` (linearizable read); `revision` receives the store revision.
  [[nodiscard]] Result<std::vector<EtcdKeyValue>> range_prefix(std::string_view prefix,
                                                               std::uint64_t* revision = nullptr);
  // Discards history before `revision`. Compacting at or below the current compaction point is
  // not an error.
  [[nodiscard]] Status compact(std::uint64_t revision);
  // Per member (endpoint index).
  [[nodiscard]] Result<EtcdMemberStatus> status(std::size_t endpoint);
  [[nodiscard]] Status defragment(std::size_t endpoint);
  // Active alarms across the cluster, one per member and type.
  [[nodiscard]] Result<std::vector<EtcdAlarm>> alarms();
  // Deactivates every active alarm (each member's).
  [[nodiscard]] Status disarm_alarms();

  // Streams every change under `prefix` from `start_revision` in revision order, calling
  // `on_events` with each non-empty group. Returns when the stream breaks (an error), when the
  // start revision was compacted (WatchEnd::compact_revision), or when `on_events` returns false.
  // A silent stream is reopened after `idle` so a frozen member cannot hold the watch.
  using OnEvents = std::function<bool(std::vector<EtcdKeyValue>&&)>;
  [[nodiscard]] Result<WatchEnd> watch_prefix(
      std::string_view prefix, std::uint64_t start_revision, const OnEvents& on_events,
      std::chrono::milliseconds idle = std::chrono::seconds(5));

  // Ends every watch_prefix() call in progress at once (they return WatchEnd::stopped).
  void cancel_watches();

  std::size_t endpoint_count() const { return options_.endpoints.size(); }
  const std::string& endpoint(std::size_t i) const { return options_.endpoints[i]; }

  // True when `e` is etcd's "database space exceeded" (the NOSPACE alarm is raised).
  static bool is_nospace(const Error& e);

 private:
  struct Answer;
  // POSTs `body` to `path` on endpoint `i`; parses the JSON answer.
  [[nodiscard]] Result<std::string> post_to(std::size_t i, const std::string& path,
                                            const std::string& body,
                                            std::chrono::milliseconds timeout);
  // Tries endpoints in turn, starting with the last one that worked.
  [[nodiscard]] Result<std::string> post(const std::string& path, const std::string& body);

  EtcdOptions options_;
  std::atomic<std::size_t> preferred_{0};
  std::mutex watch_mu_;
  std::set<void*> watches_;  // httplib::Client of each watch in progress
  bool cancelled_ = false;
};

// The smallest key greater than every key with `prefix` (etcd's range_end for a prefix).
std::string etcd_prefix_end(std::string_view prefix);

}  // namespace pv
