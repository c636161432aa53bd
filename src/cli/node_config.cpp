#include "cli/node_config.hpp"

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
    } else if (key == "http-threads") {
      PV_TRY(count([&](std::uint32_t v) { config.http_threads = v; }));
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

void apply_flags(const NodeFlags& f, NodeConfig& config) {
  if (f.data_dir) config.data_dir = *f.data_dir;
  if (f.listen) config.listen = *f.listen;
  if (f.genesis) config.genesis_file = *f.genesis;
  if (f.network) config.network = *f.network;
  if (f.block_max_tx) config.cutting.max_transactions = *f.block_max_tx;
  if (f.block_max_bytes) config.cutting.max_bytes = *f.block_max_bytes;
  if (f.block_timeout_ms) config.cutting.timeout = std::chrono::milliseconds(*f.block_timeout_ms);
  if (f.http_threads) config.http_threads = *f.http_threads;
}

}  // namespace pv::cli
