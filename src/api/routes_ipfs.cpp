// The IPFS trustless gateway (https://specs.ipfs.tech/http-gateways/trustless-gateway/):
// GET /ipfs/{cid} with ?format=raw|car or Accept: application/vnd.ipld.raw|car. Without either,
// the UnixFS file's bytes (a convenience for curl; a trustless client asks for raw or car).
// CARs are CARv1, blocks in depth-first pre-order, each distinct block once, streamed as the DAG
// is walked (memory: one block and the path's pending links). Errors are problem documents;
// an error discovered after a streamed body has started (a block that fails its CID check)
// can only abort the response, which the client sees as a truncated body.

#include <spdlog/spdlog.h>

#include "api/content_http.hpp"
#include "api/erased_record.hpp"
#include "content/car.hpp"
#include "content/dag_walk.hpp"
#include "node/record_access.hpp"

namespace pv::api {
namespace {

enum class GatewayFormat { raw, car, file };

Result<GatewayFormat> requested_format(const http::Request& req) {
  if (req.has_param("format")) {
    std::string f = req.get_param_value("format");
    if (f == "raw") return GatewayFormat::raw;
    if (f == "car") return GatewayFormat::car;
    return make_error(Errc::invalid_argument,
                      "format must be raw or car, got \"" + f.substr(0, 40) + "\"");
  }
  std::string accept = req.get_header_value("Accept");
  if (accept.find("application/vnd.ipld.raw") != std::string::npos) return GatewayFormat::raw;
  if (accept.find("application/vnd.ipld.car") != std::string::npos) return GatewayFormat::car;
  return GatewayFormat::file;
}

void immutable_headers(http::Response& res, const content::Cid& cid, const char* suffix) {
  res.set_header("Cache-Control", "public, max-age=29030400, immutable");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Ipfs-Path", "/ipfs/" + cid.to_string());
  res.set_header("Etag", "\"" + cid.to_string() + suffix + "\"");
  res.set_header("Content-Disposition",
                 std::string("attachment; filename=\"") + cid.to_string() + suffix + "\"");
}

void get_ipfs(ApiContext& ctx, const http::Request& req, http::Response& res) {
  auto store = content_store(ctx);
  if (!store) return send_error(res, store.error());
  auto cid = parse_cid_argument(req.matches[1]);
  if (!cid) return send_error(res, cid.error());
  auto format = requested_format(req);
  if (!format) return send_error(res, format.error());
  content::BlockStore* blocks = *store;
  // The root of an erased record's content: 410 with the tombstone, whatever this node's
  // eraser has done so far. Its other blocks: 410 once this node's eraser removed them (the
  // content store keeps their digests, node-local, so that they are never fetched again).
  if (auto gone = erased_content_problem(NodeStateView(ctx.node), cid->to_v1().bytes()))
    return send_problem(res, *gone);

  // The root block is read (and verified) first in every format, so a missing or corrupt root
  // is a proper problem document rather than a cut stream.
  auto root = blocks->get(*cid);
  if (!root) {
    if (auto erased = blocks->erased(*cid); erased && *erased)
      return send_problem(res, erased_block_problem(*cid));
    return send_error(res, root.error());
  }

  if (*format == GatewayFormat::raw) {
    immutable_headers(res, *cid, ".bin");
    res.status = 200;
    res.set_content(std::string(as_chars(*root)), "application/vnd.ipld.raw");
    return;
  }
  if (Status s = check_root_block(*cid, *root, *format == GatewayFormat::file); !s)
    return send_error(res, s.error());
  immutable_headers(res, *cid, *format == GatewayFormat::car ? ".car" : "");
  content::Cid root_cid = *cid;
  if (*format == GatewayFormat::car) {
    res.set_chunked_content_provider(
        "application/vnd.ipld.car; version=1; order=dfs; dups=n",
        [blocks, root_cid](std::size_t, http::DataSink& sink) {
          ResponseStream out(sink);
          Status s = content::CarWriter::write_dag(*blocks, root_cid, out);
          if (s) s = out.flush();
          if (!s) {
            spdlog::warn("gateway: CAR of {} stopped: {}", root_cid.to_string(), s.error().message);
            return false;  // aborts the response: the client sees a truncated CAR
          }
          sink.done();
          return true;
        });
    return;
  }
  res.set_chunked_content_provider(
      "application/octet-stream", [blocks, root_cid](std::size_t, http::DataSink& sink) {
        ResponseStream out(sink);
        Status s = content::read_file(*blocks, root_cid, [&](ByteView b) { return out.write(b); });
        if (s) s = out.flush();
        if (!s) {
          spdlog::warn("gateway: file {} stopped: {}", root_cid.to_string(), s.error().message);
          return false;
        }
        sink.done();
        return true;
      });
}

}  // namespace

void add_ipfs_routes(RouteTable& routes, ApiContext& ctx) {
  routes.get("GET /ipfs/{cid}",
             [&ctx](const http::Request& req, http::Response& res) { get_ipfs(ctx, req, res); });
}

}  // namespace pv::api
