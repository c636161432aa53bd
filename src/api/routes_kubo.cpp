// The Kubo RPC subset (https://docs.ipfs.tech/reference/kubo/rpc/), in Kubo's shapes so that
// Kubo client libraries work: POST /api/v0/{add, cat, block/get, block/put, block/stat,
// pin/add, pin/rm, pin/ls, repo/gc, version}. Errors answer Kubo's JSON {"Message","Code","Type"}
// (not problem documents: Kubo clients parse that shape), 400 with Code 1 for a bad request, 500
// with Code 0 otherwise, as Kubo does.
//
// Like Kubo's own RPC port, this is an administrative interface without authentication: it
// answers only clients on the loopback interface (403 otherwise). Signed uploads from anywhere
// use /v1/blocks and /v1/pins (routes_blocks.cpp).
//
// add: CIDv1, raw leaves, 256 KiB chunks, balanced DAG (Kubo's `ipfs add --cid-version=1`), even
// without cid-version=1, because that is the only layout this store writes; options that would
// give another CID (cid-version=0, raw-leaves=false, another chunker or hash, trickle, inline,
// wrap-with-directory) are refused rather than silently ignored. The multipart body is streamed
// into the importer: memory stays flat whatever the file size.

#include <spdlog/spdlog.h>

#include <memory>
#include <optional>

#include "api/content_http.hpp"
#include "api/kubo_rpc_support.hpp"
#include "content/dag_walk.hpp"
#include "content/file_importer.hpp"

namespace pv::api {
namespace {

using nlohmann::json;

// Refuses add/block-put options that would produce CIDs other than the ones this store writes.
Status check_add_options(const http::Request& req) {
  auto refuse = [](const std::string& what) {
    return make_error(Errc::invalid_argument,
                      what +
                          " is not supported: this node stores CIDv1 with raw leaves, "
                          "256 KiB chunks and sha2-256 (ipfs add --cid-version=1)");
  };
  if (req.has_param("cid-version") && req.get_param_value("cid-version") != "1")
    return refuse("cid-version=" + req.get_param_value("cid-version").substr(0, 8));
  if (req.has_param("chunker") && req.get_param_value("chunker") != "size-262144")
    return refuse("chunker " + req.get_param_value("chunker").substr(0, 40));
  if (req.has_param("hash") && req.get_param_value("hash") != "sha2-256")
    return refuse("hash " + req.get_param_value("hash").substr(0, 40));
  for (const char* flag : {"trickle", "inline", "wrap-with-directory", "nocopy"}) {
    auto v = bool_param(req, flag);
    if (!v) return v.error();
    if (v->value_or(false)) return refuse(flag);
  }
  auto raw = bool_param(req, "raw-leaves");
  if (!raw) return raw.error();
  if (!raw->value_or(true)) return refuse("raw-leaves=false");
  return Status::ok();
}

// Discards blocks (add with only-hash=true).
class NullSink final : public content::BlockSink {
 public:
  [[nodiscard]] Status put(const content::Cid&, ByteView) override { return Status::ok(); }
};

struct AddedFile {
  std::string name;
  content::ImportResult result;
};

void add(ApiContext& ctx, const http::Request& req, http::Response& res,
         const http::ContentReader& reader) {
  auto store = content_store(ctx);
  if (!store) return kubo_error(res, store.error());
  if (Status s = check_add_options(req); !s) return kubo_error(res, s.error());
  auto only_hash = bool_param(req, "only-hash");
  auto pin = bool_param(req, "pin");
  if (!only_hash) return kubo_error(res, only_hash.error());
  if (!pin) return kubo_error(res, pin.error());
  if (!req.is_multipart_form_data())
    return kubo_error(res, make_error(Errc::invalid_argument,
                                      "add expects a multipart/form-data body with one part per "
                                      "file (curl -F file=@FILE)"));
  NullSink null_sink;
  content::BlockSink& sink =
      only_hash->value_or(false) ? static_cast<content::BlockSink&>(null_sink) : **store;
  // New blocks are unpinned until the end; the store's grace period for recently written
  // blocks keeps garbage collection off them until then (content/block_store.hpp).
  std::vector<AddedFile> added;
  std::unique_ptr<content::FileImporter> importer;
  std::string current_name;
  std::optional<Error> failed;
  auto finish_current = [&]() {
    if (!importer || failed) return;
    auto r = importer->finish();
    importer.reset();
    if (!r) {
      failed = r.error();
      return;
    }
    added.push_back({current_name, *r});
  };
  bool read_ok = reader(
      [&](const http::MultipartPart& part) {
        finish_current();
        if (failed) return false;
        if (part.content_type == "application/x-directory") {
          failed = make_error(Errc::invalid_argument, "directories are not supported; add files");
          return false;
        }
        current_name = part.filename;
        importer = std::make_unique<content::FileImporter>(sink);
        return true;
      },
      [&](const char* data, std::size_t n) {
        if (failed || !importer) return false;
        if (Status s = importer->write(as_bytes(std::string_view(data, n))); !s) {
          failed = s.error();
          return false;
        }
        return true;
      });
  finish_current();
  if (failed) return kubo_error(res, *failed);
  if (!read_ok)
    return kubo_error(res, make_error(Errc::invalid_argument, "the multipart body ended early"));
  if (added.empty())
    return kubo_error(res, make_error(Errc::invalid_argument, "no file in the request"));
  std::string out;
  if (!only_hash->value_or(false)) {
    if (Status s = (*store)->sync(); !s) return kubo_error(res, s.error());
    if (pin->value_or(true)) {
      for (const auto& f : added)
        if (Status s = (*store)->pin(f.result.root); !s) return kubo_error(res, s.error());
    }
  }
  for (const auto& f : added) {
    std::string cid = f.result.root.to_string();
    json line{{"Name", f.name.empty() ? cid : f.name},
              {"Hash", cid},
              {"Size", std::to_string(f.result.dag_size)}};
    out += line.dump() + "\n";
  }
  res.status = 200;
  res.set_header("X-Chunked-Output", "1");
  res.set_content(out, "application/json");
}

void cat(content::BlockStore& store, const http::Request& req, http::Response& res) {
  auto cid = parse_cid_argument(req.get_param_value("arg"));
  if (!cid) return kubo_error(res, cid.error());
  std::uint64_t offset = 0, length = UINT64_MAX;
  if (req.has_param("offset")) {
    auto v = parse_decimal(req.get_param_value("offset"), "offset");
    if (!v) return kubo_error(res, v.error());
    offset = *v;
  }
  if (req.has_param("length")) {
    auto v = parse_decimal(req.get_param_value("length"), "length");
    if (!v) return kubo_error(res, v.error());
    length = *v;
  }
  // The root first, so a missing or corrupt root is an error answer, not a cut stream.
  auto root_block = store.get(*cid);
  if (!root_block) return kubo_error(res, root_block.error());
  if (Status s = check_root_block(*cid, *root_block, true); !s) return kubo_error(res, s.error());
  content::Cid root = *cid;
  content::BlockStore* blocks = &store;
  res.set_header("X-Stream-Output", "1");
  res.set_chunked_content_provider(
      "text/plain", [blocks, root, offset, length](std::size_t, http::DataSink& sink) {
        ResponseStream out(sink);
        std::uint64_t pos = 0, end = length == UINT64_MAX ? UINT64_MAX : offset + length;
        Status s = content::read_file(*blocks, root, [&](ByteView b) {
          std::uint64_t from = std::max(pos, offset), to = std::min(pos + b.size(), end);
          pos += b.size();
          if (from >= to) return Status::ok();
          return out.write(b.subspan(from - (pos - b.size()), to - from));
        });
        if (s) s = out.flush();
        if (!s) {
          spdlog::warn("kubo rpc: cat {} stopped: {}", root.to_string(), s.error().message);
          return false;
        }
        sink.done();
        return true;
      });
}

void block_get(content::BlockStore& store, const http::Request& req, http::Response& res) {
  auto cid = parse_cid_argument(req.get_param_value("arg"));
  if (!cid) return kubo_error(res, cid.error());
  auto bytes = store.get(*cid);
  if (!bytes) return kubo_error(res, bytes.error());
  res.status = 200;
  res.set_content(std::string(as_chars(*bytes)), "text/plain");
}

void block_stat(content::BlockStore& store, const http::Request& req, http::Response& res) {
  auto cid = parse_cid_argument(req.get_param_value("arg"));
  if (!cid) return kubo_error(res, cid.error());
  auto bytes = store.get(*cid);
  if (!bytes) return kubo_error(res, bytes.error());
  res.status = 200;
  res.set_content(json{{"Key", cid->to_string()}, {"Size", bytes->size()}}.dump() + "\n",
                  "application/json");
}

// block/put: one multipart part holding one block; cid-codec raw (default) or dag-pb.
void block_put(ApiContext& ctx, content::BlockStore& store, const http::Request& req,
               http::Response& res, const http::ContentReader& reader) {
  std::string codec_name = req.has_param("cid-codec") ? req.get_param_value("cid-codec") : "raw";
  content::Multicodec codec;
  if (codec_name == "raw")
    codec = content::Multicodec::raw;
  else if (codec_name == "dag-pb")
    codec = content::Multicodec::dag_pb;
  else
    return kubo_error(res, make_error(Errc::invalid_argument,
                                      "cid-codec must be raw or dag-pb, got " + codec_name));
  if (req.has_param("mhtype") && req.get_param_value("mhtype") != "sha2-256")
    return kubo_error(res, make_error(Errc::invalid_argument, "only mhtype=sha2-256 is supported"));
  std::string block;
  bool over = false;
  int parts = 0;
  reader([&](const http::MultipartPart&) { return ++parts == 1; },
         [&](const char* data, std::size_t n) {
           if (block.size() + n > content::kMaxPbNodeBytes) over = true;
           if (!over) block.append(data, n);
           return true;
         });
  (void)ctx;
  if (parts != 1)
    return kubo_error(res, make_error(Errc::invalid_argument, "block/put takes exactly one part"));
  if (over) return kubo_error(res, make_error(Errc::too_large, "a block is at most 2 MiB"));
  auto cid = content::Cid::of(codec, as_bytes(block));
  if (Status s = store.put(cid, as_bytes(block)); !s) return kubo_error(res, s.error());
  if (Status s = store.sync(); !s) return kubo_error(res, s.error());
  res.status = 200;
  res.set_content(json{{"Key", cid.to_string()}, {"Size", block.size()}}.dump() + "\n",
                  "application/json");
}

Result<std::vector<content::Cid>> cid_args(const http::Request& req) {
  std::vector<content::Cid> out;
  auto [first, last] = req.params.equal_range("arg");
  for (auto it = first; it != last; ++it) {
    auto cid = parse_cid_argument(it->second);
    if (!cid) return cid.error();
    out.push_back(*cid);
  }
  return out;
}

void pin_change(content::BlockStore& store, bool add_pin, const http::Request& req,
                http::Response& res) {
  auto recursive = bool_param(req, "recursive");
  if (!recursive) return kubo_error(res, recursive.error());
  if (!recursive->value_or(true))
    return kubo_error(res, make_error(Errc::invalid_argument,
                                      "only recursive pins are supported (recursive=true)"));
  auto cids = cid_args(req);
  if (!cids) return kubo_error(res, cids.error());
  if (cids->empty())
    return kubo_error(res, make_error(Errc::invalid_argument, "argument \"arg\" is required"));
  json pins = json::array();
  for (const auto& cid : *cids) {
    Status s = add_pin ? store.pin(cid) : store.unpin(cid);
    if (!s) return kubo_error(res, s.error());
    pins.push_back(cid.to_string());
  }
  res.status = 200;
  res.set_content(json{{"Pins", pins}}.dump() + "\n", "application/json");
}

void pin_ls(content::BlockStore& store, const http::Request& req, http::Response& res) {
  std::string type = req.has_param("type") ? req.get_param_value("type") : "all";
  if (type != "all" && type != "recursive" && type != "direct" && type != "indirect")
    return kubo_error(
        res, make_error(Errc::invalid_argument, "type must be all, recursive, direct or indirect"));
  auto stream = bool_param(req, "stream");
  if (!stream) return kubo_error(res, stream.error());
  auto wanted = cid_args(req);
  if (!wanted) return kubo_error(res, wanted.error());
  auto pins = store.pins();
  if (!pins) return kubo_error(res, pins.error());
  // Every pin here is recursive; direct and indirect pins are never made.
  std::vector<content::Cid> listed;
  if (type == "all" || type == "recursive") {
    if (wanted->empty()) {
      listed = *pins;
    } else {
      for (const auto& w : *wanted) {
        if (std::find(pins->begin(), pins->end(), w.to_v1()) == pins->end())
          return kubo_error(
              res, make_error(Errc::not_found, "path '" + w.to_string() + "' is not pinned"));
        listed.push_back(w.to_v1());
      }
    }
  }
  std::string out;
  if (stream->value_or(false)) {
    for (const auto& c : listed)
      out += json{{"Cid", c.to_string()}, {"Type", "recursive"}, {"Name", ""}}.dump() + "\n";
  } else {
    json keys = json::object();
    for (const auto& c : listed) keys[c.to_string()] = {{"Type", "recursive"}, {"Name", ""}};
    out = json{{"Keys", keys}}.dump() + "\n";
  }
  res.status = 200;
  res.set_content(out, "application/json");
}

}  // namespace

void add_kubo_routes(RouteTable& routes, ApiContext& ctx) {
  // Every Kubo route: loopback only, and a store is required.
  // Only add streams its body (a file of any size goes straight into the importer); every other
  // route's body is read whole, within the body limit, before it runs.
  auto route = [&routes, &ctx](const std::string& name, auto body) {
    routes.post("POST /api/v0/" + name,
                [&ctx, body](const http::Request& req, http::Response& res,
                             const http::ContentReader& reader) {
                  if (!is_loopback(req.remote_addr))
                    return kubo_error(res, make_error(Errc::forbidden,
                                                      "the Kubo RPC API answers only local "
                                                      "clients; use /v1/blocks with a signed "
                                                      "request from elsewhere"));
                  auto store = content_store(ctx);
                  if (!store) return kubo_error(res, store.error());
                  body(**store, req, res, reader);
                },
                name == "add" ? http::BodyMode::streamed : http::BodyMode::buffered);
  };
  route("add", [&ctx](content::BlockStore&, const http::Request& req, http::Response& res,
                      const http::ContentReader& reader) { add(ctx, req, res, reader); });
  route("cat", [](content::BlockStore& s, const http::Request& req, http::Response& res,
                  const http::ContentReader&) { cat(s, req, res); });
  route("block/get", [](content::BlockStore& s, const http::Request& req, http::Response& res,
                        const http::ContentReader&) { block_get(s, req, res); });
  route("block/stat",
        [](content::BlockStore& s, const http::Request& req, http::Response& res,
           const http::ContentReader&) { block_stat(s, req, res); });
  route("block/put",
        [&ctx](content::BlockStore& s, const http::Request& req, http::Response& res,
               const http::ContentReader& reader) { block_put(ctx, s, req, res, reader); });
  route("pin/add", [](content::BlockStore& s, const http::Request& req, http::Response& res,
                      const http::ContentReader&) { pin_change(s, true, req, res); });
  route("pin/rm", [](content::BlockStore& s, const http::Request& req, http::Response& res,
                     const http::ContentReader&) { pin_change(s, false, req, res); });
  route("pin/ls", [](content::BlockStore& s, const http::Request& req, http::Response& res,
                     const http::ContentReader&) { pin_ls(s, req, res); });
  route("repo/gc", [](content::BlockStore& s, const http::Request& req, http::Response& res,
                      const http::ContentReader&) { kubo_repo_gc(s, req, res); });
  route("version", [](content::BlockStore&, const http::Request&, http::Response& res,
                      const http::ContentReader&) {
    res.set_content(
        json{{"Version", "0.0.0-patientvault"}, {"System", "patientvault"}}.dump() + "\n",
        "application/json");
  });
}

}  // namespace pv::api
