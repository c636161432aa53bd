// POST /api/v0/repo/gc, Kubo's garbage collection (https://docs.ipfs.tech/reference/kubo/rpc/):
// the store's collect_garbage(), answered in Kubo's shape, one JSON object per removed block.

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "api/kubo_rpc_support.hpp"

namespace pv::api {

void kubo_repo_gc(content::BlockStore& store, const http::Request& req, http::Response& res) {
  auto silent = bool_param(req, "silent");
  if (!silent) return kubo_error(res, silent.error());
  auto report = store.collect_garbage();
  if (!report) return kubo_error(res, report.error());
  spdlog::info(
      "blockstore collection: {} blocks removed ({} bytes), {} kept, {} of them only because "
      "they were written within the grace period",
      report->blocks_removed, report->bytes_removed, report->blocks_kept, report->blocks_in_grace);
  std::string out;
  if (!silent->value_or(false))
    for (const auto& digest : report->removed)
      out +=
          nlohmann::json{
              {"Key", {{"/", content::Cid::v1(content::Multicodec::raw, digest).to_string()}}}}
              .dump() +
          "\n";
  res.status = 200;
  res.set_content(out, "application/json");
}

}  // namespace pv::api
