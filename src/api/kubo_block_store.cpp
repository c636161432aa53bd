#include "api/kubo_block_store.hpp"

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace pv::api {

using nlohmann::json;

KuboBlockStore::KuboBlockStore(std::string url, std::unique_ptr<httplib::Client> client)
    : url_(std::move(url)), client_(std::move(client)) {}
KuboBlockStore::~KuboBlockStore() = default;

Result<std::unique_ptr<KuboBlockStore>> KuboBlockStore::connect(const std::string& url) {
  if (url.rfind("http://", 0) != 0 || url.size() <= 7)
    return make_error(
        Errc::invalid_argument,
        "blockstore.kubo must be the Kubo RPC URL http://HOST:PORT, got \"" + url + "\"");
  auto client = std::make_unique<httplib::Client>(url);
  client->set_keep_alive(true);
  client->set_connection_timeout(std::chrono::seconds(5));
  client->set_read_timeout(std::chrono::seconds(120));
  std::unique_ptr<KuboBlockStore> store(new KuboBlockStore(url, std::move(client)));
  auto version = store->call("version", "");
  if (!version)
    return make_error(Errc::unavailable, "the Kubo RPC API at " + url +
                                             " does not answer: " + version.error().message);
  return store;
}

Result<std::string> KuboBlockStore::call(const std::string& command, const std::string& query,
                                         const std::string* block) {
  std::string target = "/api/v0/" + command + (query.empty() ? "" : "?" + query);
  std::lock_guard lock(mu_);
  httplib::MultipartFormDataItems items;
  if (block != nullptr) items.push_back({"file", *block, "block", "application/octet-stream"});
  httplib::Result r = block != nullptr ? client_->Post(target, items)
                                       : client_->Post(target, "", "application/octet-stream");
  if (!r)
    return make_error(Errc::io,
                      "Kubo RPC " + url_ + " " + command + ": " + httplib::to_string(r.error()));
  if (r->status == 200) return r->body;
  auto doc = json::parse(r->body, nullptr, false);
  std::string message = doc.is_object() && doc.contains("Message") && doc["Message"].is_string()
                            ? doc["Message"].get<std::string>()
                            : "HTTP " + std::to_string(r->status);
  // Kubo words a missing block "not found" (ours, "not stored here" / "not pinned"); js-ipfs
  // passes on the ENOENT of the block file it does not have.
  bool missing = message.find("not found") != std::string::npos ||
                 message.find("not stored") != std::string::npos ||
                 message.find("not pinned") != std::string::npos ||
                 message.find("ENOENT") != std::string::npos;
  return make_error(missing ? Errc::not_found : Errc::io,
                    "Kubo RPC " + command + " at " + url_ + ": " + message);
}

namespace {
std::string arg(const content::Cid& cid) {
  return "arg=" + cid.to_string();
}
}  // namespace

Status KuboBlockStore::put(const content::Cid& cid, ByteView bytes) {
  if (!cid.matches(bytes))
    return make_error(Errc::invalid_argument, "refused to store a block under " + cid.to_string() +
                                                  ": it does not hash to it");
  const std::string codec = cid.codec() == content::Multicodec::raw ? "raw" : "dag-pb";
  std::string block(as_chars(bytes));
  // Kubo takes the codec as cid-codec and refuses it together with the older `format`; js-ipfs
  // knows only `format` and files the block under dag-pb. Both key blocks by multihash, so a
  // CID that differs from ours only in its codec means "ask again with format=".
  for (bool legacy : {legacy_format_.load(), true}) {
    auto body =
        call("block/put",
             (legacy ? "format=" : "cid-codec=") + codec + "&mhtype=sha2-256&pin=false", &block);
    if (!body) return body.error();
    auto doc = json::parse(*body, nullptr, false);
    if (!doc.is_object() || !doc.contains("Key") || !doc["Key"].is_string())
      return make_error(Errc::io, "Kubo RPC block/put at " + url_ + ": unexpected answer");
    auto stored = content::Cid::parse(doc["Key"].get<std::string>());
    if (stored && stored->to_v1() == cid.to_v1()) {
      if (legacy) legacy_format_ = true;
      return Status::ok();
    }
    if (legacy || !stored || stored->digest() != cid.digest())
      return make_error(Errc::corruption, "Kubo RPC block/put at " + url_ + " stored " +
                                              doc["Key"].get<std::string>() + " instead of " +
                                              cid.to_string());
  }
  return Status::ok();  // not reached: the second pass always returns
}

Result<Bytes> KuboBlockStore::get(const content::Cid& cid) {
  auto body = call("block/get", arg(cid) + "&offline=true");
  if (!body) return body.error();
  Bytes bytes = to_bytes(*body);
  if (!cid.matches(bytes))
    return make_error(Errc::corruption, "the Kubo node at " + url_ + " returned bytes for " +
                                            cid.to_string() + " that do not match it");
  return bytes;
}

Result<bool> KuboBlockStore::has(const content::Cid& cid) {
  auto body = call("block/stat", arg(cid) + "&offline=true");
  if (body) return true;
  if (body.error().code == Errc::not_found) return false;
  return body.error();
}

Status KuboBlockStore::pin(const content::Cid& root) {
  auto body = call("pin/add", arg(root) + "&recursive=true&offline=true");
  if (!body) return body.error();
  return Status::ok();
}

Status KuboBlockStore::unpin(const content::Cid& root) {
  auto body = call("pin/rm", arg(root) + "&recursive=true");
  if (!body) return body.error();
  return Status::ok();
}

Result<std::vector<content::Cid>> KuboBlockStore::pins() {
  auto body = call("pin/ls", "type=recursive&stream=true&cid-base=base32");
  if (!body) return body.error();
  std::vector<content::Cid> out;
  std::istringstream lines(*body);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    auto doc = json::parse(line, nullptr, false);
    if (!doc.is_object() || !doc.contains("Cid") || !doc["Cid"].is_string())
      return make_error(Errc::io, "Kubo RPC pin/ls at " + url_ + ": unexpected line");
    auto cid = content::Cid::parse(doc["Cid"].get<std::string>());
    if (!cid) return make_error(Errc::io, "Kubo RPC pin/ls: " + cid.error().message);
    out.push_back(cid->to_v1());
  }
  std::sort(out.begin(), out.end(),
            [](const content::Cid& a, const content::Cid& b) { return a.bytes() < b.bytes(); });
  return out;
}

Result<content::GcReport> KuboBlockStore::collect_garbage() {
  return make_error(Errc::unavailable, "blocks are kept on the Kubo node at " + url_ +
                                           ": run garbage collection there (ipfs repo gc)");
}

}  // namespace pv::api
