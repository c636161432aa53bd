#include "cli/node_config.hpp"

#include "cli/http_limit_settings.hpp"

#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace pv::cli {
namespace {

using nlohmann::json;

Error key_error(const std::string& path, const std::string& key, const char* expected) {
  return make_error(Errc::invalid_argument,
                    "config file " + path + ": \"" + key + "\" must be " + expected);
}

const HttpLimitSetting* http_limit_setting(const std::string& key) {
  for (const auto& s : http_limit_settings())
    if (key == s.key) return &s;
  return nullptr;
}

}  // namespace

Status apply_config_file(const std::string& path, NodeConfig& config) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::not_found, "cannot read config file " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  auto doc = json::parse(buf.str(), nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
  if (!doc.is_object())
    return make_error(Errc::malformed, "config file " + path + " is not a JSON object");
  for (const auto& [key, value] : doc.items()) {
    auto text = [&](std::string& field) -> Status {
      if (!value.is_string()) return key_error(path, key, "a string");
      field = value.get<std::string>();
      return Status::ok();
    };
    auto count = [&](auto setter) -> Status {
      if (!value.is_number_unsigned() || value.get<std::uint64_t>() > UINT32_MAX)
        return key_error(path, key, "a non-negative integer below 2^32");
      setter(static_cast<std::uint32_t>(value.get<std::uint64_t>()));
      return Status::ok();
    };
    if (key == "data-dir") {
      PV_TRY(text(config.data_dir));
    } else if (key == "listen") {
      PV_TRY(text(config.listen));
    } else if (key == "genesis") {
      PV_TRY(text(config.genesis_file));
    } else if (key == "network") {
      PV_TRY(text(config.network));
    } else if (key == "block-max-tx") {
      PV_TRY(count([&](std::uint32_t v) { config.cutting.max_transactions = v; }));
    } else if (key == "block-max-bytes") {
      PV_TRY(count([&](std::uint32_t v) { config.cutting.max_bytes = v; }));
    } else if (key == "block-timeout-ms") {
      PV_TRY(
          count([&](std::uint32_t v) { config.cutting.timeout = std::chrono::milliseconds(v); }));
    } else if (auto setting = http_limit_setting(key)) {
      if (!value.is_number_unsigned()) return key_error(path, key, "a non-negative integer");
      Status applied = apply_http_limit(*setting, value.get<std::uint64_t>(), config.http);
      if (!applied)
        return make_error(Errc::invalid_argument,
                          "config file " + path + ": " + applied.error().message);
    } else if (key == "ordering") {
      PV_TRY(text(config.ordering));
    } else if (key == "etcd-endpoints") {
      std::string joined;
      if (value.is_array()) {
        for (const auto& e : value) {
          if (!e.is_string()) return key_error(path, key, "a list of URLs");
          joined += (joined.empty() ? "" : ",") + e.get<std::string>();
        }
      } else if (!value.is_string()) {
        return key_error(path, key, "a list of URLs or one comma-separated string");
      } else {
        joined = value.get<std::string>();
      }
      auto endpoints = parse_endpoints(joined);
      if (!endpoints) return make_error(Errc::invalid_argument, "config file " + path + ": " + endpoints.error().message);
      config.etcd.etcd.endpoints = *endpoints;
    } else if (key == "etcd-ca") {
      PV_TRY(text(config.etcd.etcd.tls.ca_file));
    } else if (key == "etcd-cert") {
      PV_TRY(text(config.etcd.etcd.tls.cert_file));
    } else if (key == "etcd-key") {
      PV_TRY(text(config.etcd.etcd.tls.key_file));
    } else if (key == "advertise-url") {
      PV_TRY(text(config.advertise_url));
    } else if (key == "peer-ca") {
      PV_TRY(text(config.peer_ca_file));
    } else if (key == "tls") {
      // {"cert": "node.pem", "key": "node.key"}: serve HTTPS.
      if (!value.is_object()) return key_error(path, key, "an object {\"cert\": FILE, \"key\": FILE}");
      for (const auto& [k, v] : value.items()) {
        if (!v.is_string()) return key_error(path, key + "." + k, "a file name");
        if (k == "cert") config.tls.cert_file = v.get<std::string>();
        else if (k == "key") config.tls.key_file = v.get<std::string>();
        else return key_error(path, key + "." + k, "one of \"cert\" or \"key\"");
      }
    } else if (key == "etcd-retain-revisions") {
      PV_TRY(count([&](std::uint32_t v) { config.etcd.retain_revisions = v; }));
    } else if (key == "etcd-compact-min-revisions") {
      PV_TRY(count([&](std::uint32_t v) { config.etcd.compact_min_revisions = v; }));
    } else if (key == "etcd-housekeeping-ms") {
      PV_TRY(count([&](std::uint32_t v) { config.etcd.housekeeping_interval = std::chrono::milliseconds(v); }));
    } else if (key == "etcd-defrag-interval-s") {
      PV_TRY(count([&](std::uint32_t v) { config.etcd.defrag_interval = std::chrono::seconds(v); }));
    } else if (key == "peer-check-interval-ms") {
      PV_TRY(count([&](std::uint32_t v) { config.peer_check_interval = std::chrono::milliseconds(v); }));
    } else if (key == "blockstore") {
      // {"kubo": "http://HOST:PORT"}, or {} / {"local": true} for the default local store;
      // "gc-grace-seconds": how long the local store keeps unpinned blocks from collection.
      if (!value.is_object()) return key_error(path, key, "an object such as {\"kubo\": URL}");
      for (const auto& [k, v] : value.items()) {
        if (k == "kubo" && v.is_string()) {
          config.blockstore_kubo_url = v.get<std::string>();
        } else if (k == "local" && v.is_boolean() && v.get<bool>()) {
          config.blockstore_kubo_url.clear();
        } else if (k == "gc-grace-seconds" && v.is_number_unsigned()) {
          config.blockstore_gc_grace = std::chrono::seconds(v.get<std::uint64_t>());
        } else {
          return key_error(path, key + "." + k,
                           "\"kubo\": \"http://HOST:PORT\", \"local\": true or "
                           "\"gc-grace-seconds\": a number of seconds");
        }
      }
    } else if (key == "replication") {
      // {"copies": N}: nodes that must hold a record's content before its anchor is accepted.
      if (!value.is_object()) return key_error(path, key, "an object such as {\"copies\": 2}");
      for (const auto& [k, v] : value.items()) {
        if (k != "copies" || !v.is_number_unsigned() || v.get<std::uint64_t>() > 64)
          return key_error(path, key + "." + k, "\"copies\": a number of nodes from 0 to 64");
        config.replication_copies = static_cast<std::uint32_t>(v.get<std::uint64_t>());
      }
    } else if (key == "sync-writes") {
      if (!value.is_boolean()) return key_error(path, key, "true or false");
      config.sync_writes = value.get<bool>();
    } else {
      return make_error(Errc::invalid_argument, "config file " + path + ": unknown key \"" + key +
                                                    "\" (see docs/configuration.md for the keys)");
    }
  }
  return Status::ok();
}

Result<std::vector<std::string>> parse_endpoints(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t comma = text.find(',', start);
    std::string url = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
      return make_error(Errc::invalid_argument, "etcd endpoint \"" + url +
                                                    "\" is not an http:// or https:// URL (example: "
                                                    "http://127.0.0.1:2379,http://127.0.0.1:22379)");
    out.push_back(url);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

Status check_node_config(const NodeConfig& config) {
  if (config.ordering != "embedded" && config.ordering != "etcd")
    return make_error(Errc::invalid_argument, "ordering must be \"embedded\" or \"etcd\", not \"" + config.ordering + "\"");
  if (config.ordering == "etcd" && config.etcd.etcd.endpoints.empty())
    return make_error(Errc::invalid_argument, "--ordering etcd needs --etcd-endpoints URL[,URL...]");
  if (config.tls.enabled() && (config.tls.cert_file.empty() || config.tls.key_file.empty()))
    return make_error(Errc::invalid_argument,
                      "TLS needs both a certificate and a private key: give --tls-cert FILE and --tls-key FILE "
                      "(or \"tls\": {\"cert\": FILE, \"key\": FILE} in the config)");
  for (const std::string* file : {&config.tls.cert_file, &config.tls.key_file, &config.peer_ca_file})
    if (!file->empty() && ::access(file->c_str(), R_OK) != 0)
      return make_error(Errc::not_found, "cannot read " + *file + " (a TLS certificate, key or CA file)");
  if (config.ordering == "etcd" && config.genesis_file.empty())
    return make_error(Errc::invalid_argument,
                      "--ordering etcd needs --genesis FILE: every node of a cluster starts from the same genesis "
                      "(scripts/cluster.sh writes one)");
  return Status::ok();
}

Status apply_flags(const NodeFlags& f, NodeConfig& config) {
  if (f.data_dir) config.data_dir = *f.data_dir;
  if (f.listen) config.listen = *f.listen;
  if (f.genesis) config.genesis_file = *f.genesis;
  if (f.network) config.network = *f.network;
  if (f.block_max_tx) config.cutting.max_transactions = *f.block_max_tx;
  if (f.block_max_bytes) config.cutting.max_bytes = *f.block_max_bytes;
  if (f.block_timeout_ms) config.cutting.timeout = std::chrono::milliseconds(*f.block_timeout_ms);
  for (const auto& [key, value] : f.http_limits) {
    auto setting = http_limit_setting(key);
    if (!setting) return make_error(Errc::internal, "unknown HTTP limit " + key);
    Status applied = apply_http_limit(*setting, value, config.http);
    if (!applied)
      return make_error(Errc::invalid_argument, "--" + applied.error().message);
  }
  if (f.ordering) config.ordering = *f.ordering;
  if (f.etcd_endpoints) {
    auto endpoints = parse_endpoints(*f.etcd_endpoints);
    if (!endpoints) return endpoints.error();
    config.etcd.etcd.endpoints = *endpoints;
  }
  if (f.etcd_ca) config.etcd.etcd.tls.ca_file = *f.etcd_ca;
  if (f.etcd_cert) config.etcd.etcd.tls.cert_file = *f.etcd_cert;
  if (f.etcd_key) config.etcd.etcd.tls.key_file = *f.etcd_key;
  if (f.advertise_url) config.advertise_url = *f.advertise_url;
  if (f.peer_ca) config.peer_ca_file = *f.peer_ca;
  if (f.tls_cert) config.tls.cert_file = *f.tls_cert;
  if (f.tls_key) config.tls.key_file = *f.tls_key;
  if (f.etcd_retain_revisions) config.etcd.retain_revisions = *f.etcd_retain_revisions;
  if (f.etcd_compact_min_revisions) config.etcd.compact_min_revisions = *f.etcd_compact_min_revisions;
  if (f.peer_check_interval_ms) config.peer_check_interval = std::chrono::milliseconds(*f.peer_check_interval_ms);
  if (f.replication_copies) {
    if (*f.replication_copies > 64)
      return make_error(Errc::invalid_argument, "--replication-copies must be 0..64");
    config.replication_copies = *f.replication_copies;
  }
  return Status::ok();
}

}  // namespace pv::cli
