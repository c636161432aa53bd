#include "ordering/etcd_client.hpp"

#include <httplib.h>

#include <nlohmann/json.hpp>

namespace pv {
namespace {

using nlohmann::json;

std::string b64(std::string_view s) {
  return to_base64(as_bytes(s));
}

// etcd's gateway writes 64-bit integers as decimal strings (and omits zero values).
std::uint64_t u64_field(const json& o, const char* name) {
  if (!o.is_object() || !o.contains(name)) return 0;
  const json& v = o[name];
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_string()) {
    try {
      return std::stoull(v.get<std::string>());
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

Result<Bytes> b64_field(const json& o, const char* name) {
  if (!o.contains(name)) return Bytes{};
  if (!o[name].is_string())
    return make_error(Errc::malformed, std::string("etcd answer: ") + name + " is not a string");
  return from_base64(o[name].get<std::string>());
}

Result<json> parse_answer(const std::string& body) {
  auto doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return make_error(Errc::malformed, "etcd answered with something that is not JSON");
  return doc;
}

Result<EtcdKeyValue> parse_kv(const json& kv) {
  EtcdKeyValue out;
  auto k = b64_field(kv, "key");
  if (!k) return k.error();
  auto v = b64_field(kv, "value");
  if (!v) return v.error();
  out.key = std::move(*k);
  out.value = std::move(*v);
  out.mod_revision = u64_field(kv, "mod_revision");
  return out;
}

std::unique_ptr<httplib::Client> make_client(const std::string& endpoint, const EtcdTls& tls,
                                             std::chrono::milliseconds timeout) {
  std::unique_ptr<httplib::Client> c;
  if (!tls.cert_file.empty())
    c = std::make_unique<httplib::Client>(endpoint, tls.cert_file, tls.key_file);
  else
    c = std::make_unique<httplib::Client>(endpoint);
  if (!tls.ca_file.empty()) c->set_ca_cert_path(tls.ca_file);
  c->enable_server_certificate_verification(true);
  c->set_connection_timeout(timeout);
  c->set_read_timeout(timeout);
  c->set_write_timeout(timeout);
  return c;
}

// An answer worth trying on another member: the member is down, has no leader or timed out.
bool member_unavailable(int status, const json& doc) {
  if (status == 503 || status == 504) return true;
  std::uint64_t code = u64_field(doc, "code");
  return code == 14 || code == 4;  // gRPC Unavailable, DeadlineExceeded
}

}  // namespace

std::string etcd_prefix_end(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    if (static_cast<unsigned char>(end.back()) < 0xff) {
      end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');  // the whole key space
}

EtcdClient::EtcdClient(EtcdOptions options) : options_(std::move(options)) {}

void EtcdClient::cancel_watches() {
  std::lock_guard lock(watch_mu_);
  cancelled_ = true;
  for (void* c : watches_) static_cast<httplib::Client*>(c)->stop();
}

bool EtcdClient::is_nospace(const Error& e) {
  return e.message.find("database space exceeded") != std::string::npos;
}

Result<std::string> EtcdClient::post_to(std::size_t i, const std::string& path,
                                        const std::string& body,
                                        std::chrono::milliseconds timeout) {
  auto client = make_client(options_.endpoints[i], options_.tls, timeout);
  // etcd's gateway sends its error answers chunked with HTTP trailers, which cpp-httplib 0.11
  // cannot parse (the call fails with "Read" after the whole body arrived). So the status and
  // body are captured as they arrive and used when the transfer broke only at the trailers.
  httplib::Request req;
  req.method = "POST";
  req.path = path;
  req.body = body;
  req.set_header("Content-Type", "application/json");
  int status = 0;
  std::string received;
  req.response_handler = [&](const httplib::Response& r) {
    status = r.status;
    return true;
  };
  req.content_receiver = [&](const char* data, std::size_t n, std::uint64_t, std::uint64_t) {
    received.append(data, n);
    return true;
  };
  auto res = client->send(req);
  json doc;
  if (status != 0) doc = json::parse(received, nullptr, false);
  if (!res && (status == 0 || status == 200 || !doc.is_object()))
    return make_error(Errc::unavailable, "etcd " + options_.endpoints[i] + " did not answer " +
                                             path + ": " + httplib::to_string(res.error()));
  if (res) status = res->status;
  if (status == 200) return received;
  std::string message = doc.is_object() && doc.contains("message") && doc["message"].is_string()
                            ? doc["message"].get<std::string>()
                            : received.substr(0, 200);
  Errc code = member_unavailable(status, doc) ? Errc::unavailable : Errc::io;
  if (is_nospace(Error{code, message})) code = Errc::unavailable;
  return make_error(code, "etcd " + options_.endpoints[i] + " refused " + path + ": " + message);
}

Result<std::string> EtcdClient::post(const std::string& path, const std::string& body) {
  if (options_.endpoints.empty())
    return make_error(Errc::invalid_argument, "no etcd endpoints configured");
  std::size_t first = preferred_.load();
  Error last{Errc::unavailable, ""};
  for (std::size_t n = 0; n < options_.endpoints.size(); ++n) {
    std::size_t i = (first + n) % options_.endpoints.size();
    auto r = post_to(i, path, body, options_.timeout);
    if (r) {
      preferred_ = i;
      return r;
    }
    last = r.error();
    if (is_nospace(last)) return last;  // the whole cluster refuses writes: no other member helps
    if (last.code != Errc::unavailable) return last;
  }
  return last;
}

Result<std::uint64_t> EtcdClient::put(ByteView key, ByteView value) {
  json req = {{"key", to_base64(key)}, {"value", to_base64(value)}};
  auto body = post("/v3/kv/put", req.dump());
  if (!body) return body.error();
  auto doc = parse_answer(*body);
  if (!doc) return doc.error();
  std::uint64_t rev = u64_field((*doc)["header"], "revision");
  if (rev == 0) return make_error(Errc::malformed, "etcd put answer has no revision");
  return rev;
}

Result<std::vector<EtcdKeyValue>> EtcdClient::range_prefix(std::string_view prefix,
                                                           std::uint64_t* revision) {
  json req = {{"key", b64(prefix)}, {"range_end", b64(etcd_prefix_end(prefix))}};
  auto body = post("/v3/kv/range", req.dump());
  if (!body) return body.error();
  auto doc = parse_answer(*body);
  if (!doc) return doc.error();
  if (revision) *revision = u64_field((*doc)["header"], "revision");
  std::vector<EtcdKeyValue> out;
  if (doc->contains("kvs") && (*doc)["kvs"].is_array()) {
    for (const auto& kv : (*doc)["kvs"]) {
      auto parsed = parse_kv(kv);
      if (!parsed) return parsed.error();
      out.push_back(std::move(*parsed));
    }
  }
  return out;
}

Status EtcdClient::compact(std::uint64_t revision) {
  json req = {{"revision", std::to_string(revision)}};
  auto body = post("/v3/kv/compaction", req.dump());
  if (!body && body.error().message.find("compacted") != std::string::npos) return Status::ok();
  if (!body) return body.error();
  return Status::ok();
}

Result<EtcdMemberStatus> EtcdClient::status(std::size_t endpoint) {
  auto body = post_to(endpoint, "/v3/maintenance/status", "{}", options_.timeout);
  if (!body) return body.error();
  auto doc = parse_answer(*body);
  if (!doc) return doc.error();
  EtcdMemberStatus s;
  s.db_size = u64_field(*doc, "dbSize");
  s.db_size_in_use = u64_field(*doc, "dbSizeInUse");
  s.leader = u64_field(*doc, "leader");
  s.revision = u64_field((*doc)["header"], "revision");
  return s;
}

Status EtcdClient::defragment(std::size_t endpoint) {
  // Defragmentation rewrites the member's whole backend: give it time.
  auto body = post_to(endpoint, "/v3/maintenance/defragment", "{}", std::chrono::seconds(60));
  if (!body) return body.error();
  return Status::ok();
}

Result<std::vector<EtcdAlarm>> EtcdClient::alarms() {
  auto body = post("/v3/maintenance/alarm", R"({"action":"GET"})");
  if (!body) return body.error();
  auto doc = parse_answer(*body);
  if (!doc) return doc.error();
  std::vector<EtcdAlarm> out;
  if (doc->contains("alarms") && (*doc)["alarms"].is_array())
    for (const auto& a : (*doc)["alarms"])
      if (a.is_object() && a.contains("alarm") && a["alarm"].is_string())
        out.push_back({u64_field(a, "memberID"), a["alarm"].get<std::string>()});
  return out;
}

Status EtcdClient::disarm_alarms() {
  // etcd keeps one alarm per member; each is deactivated by member and type, as
  // `etcdctl alarm disarm` does.
  auto active = alarms();
  if (!active) return active.error();
  for (const auto& a : *active) {
    json req = {
        {"action", "DEACTIVATE"}, {"memberID", std::to_string(a.member_id)}, {"alarm", a.alarm}};
    auto body = post("/v3/maintenance/alarm", req.dump());
    if (!body) return body.error();
  }
  return Status::ok();
}

Result<WatchEnd> EtcdClient::watch_prefix(std::string_view prefix, std::uint64_t start_revision,
                                          const OnEvents& on_events,
                                          std::chrono::milliseconds idle) {
  if (options_.endpoints.empty())
    return make_error(Errc::invalid_argument, "no etcd endpoints configured");
  std::size_t i = preferred_.load() % options_.endpoints.size();
  auto client = make_client(options_.endpoints[i], options_.tls, options_.timeout);
  client->set_read_timeout(idle);
  json create = {{"create_request",
                  {{"key", b64(prefix)},
                   {"range_end", b64(etcd_prefix_end(prefix))},
                   {"start_revision", std::to_string(start_revision)}}}};
  httplib::Request req;
  req.method = "POST";
  req.path = "/v3/watch";
  req.body = create.dump();
  req.set_header("Content-Type", "application/json");
  std::string pending;
  WatchEnd end;
  std::optional<Error> failure;
  bool saw_data = false;
  req.content_receiver = [&](const char* data, std::size_t n, std::uint64_t, std::uint64_t) {
    saw_data = true;
    pending.append(data, n);
    for (std::size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
      std::string line = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      if (line.empty()) continue;
      auto doc = json::parse(line, nullptr, false);
      if (doc.is_discarded() || !doc.is_object()) {
        failure = make_error(Errc::malformed, "etcd watch sent something that is not JSON");
        return false;
      }
      if (doc.contains("error")) {
        failure = make_error(Errc::unavailable, "etcd watch failed: " + doc["error"].dump());
        return false;
      }
      const json& result = doc["result"];
      if (std::uint64_t c = u64_field(result, "compact_revision"); c > 0) {
        end.compact_revision = c;
        return false;
      }
      if (result.contains("canceled") && result["canceled"].is_boolean() &&
          result["canceled"].get<bool>()) {
        failure = make_error(Errc::unavailable, "etcd cancelled the watch");
        return false;
      }
      if (!result.contains("events") || !result["events"].is_array()) continue;
      std::vector<EtcdKeyValue> events;
      for (const auto& ev : result["events"]) {
        if (ev.contains("type") && ev["type"] == "DELETE") continue;
        auto kv = parse_kv(ev["kv"]);
        if (!kv) {
          failure = kv.error();
          return false;
        }
        events.push_back(std::move(*kv));
      }
      if (!events.empty() && !on_events(std::move(events))) {
        end.stopped = true;
        return false;
      }
    }
    return true;
  };
  {
    std::lock_guard lock(watch_mu_);
    if (cancelled_) return WatchEnd{true, 0};
    watches_.insert(client.get());
  }
  auto res = client->send(req);
  {
    std::lock_guard lock(watch_mu_);
    watches_.erase(client.get());
    if (cancelled_) return WatchEnd{true, 0};
  }
  if (failure) return *failure;
  if (end.stopped || end.compact_revision) return end;
  if (res && res->status != 200)
    return make_error(Errc::unavailable, "etcd " + options_.endpoints[i] +
                                             " refused the watch (HTTP " +
                                             std::to_string(res->status) + ")");
  // The stream ended or went silent for `idle`: reopen, on the next member.
  preferred_ = (i + 1) % options_.endpoints.size();
  if (!res && !saw_data && res.error() != httplib::Error::Read)
    return make_error(Errc::unavailable,
                      "etcd " + options_.endpoints[i] +
                          " did not answer the watch: " + httplib::to_string(res.error()));
  return end;
}

}  // namespace pv
