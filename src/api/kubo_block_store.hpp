#pragma once
// A BlockStore kept on an existing IPFS node through its Kubo RPC API (node config
// `"blockstore": {"kubo": "http://127.0.0.1:5001"}`): put = block/put, get = block/get,
// has = block/stat, pin/unpin/pins = pin/add, pin/rm, pin/ls (recursive). Every block read back
// is checked against its CID here, so a remote that returns wrong bytes is caught
// (Errc::corruption) like a corrupt local disk. Requests pass offline=true so the remote never
// searches the IPFS network for a block it lacks. Tested against js-ipfs (docs/api.md, "Remote
// blockstore" says where it differs from Kubo and how both are handled).
//
// Garbage collection of the remote is the remote's own job (`ipfs repo gc`): collect_garbage()
// answers Errc::unavailable. One HTTP connection, requests
// serialized (thread-safe).

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "content/block_store.hpp"

namespace httplib {
class Client;
}

namespace pv::api {

class KuboBlockStore final : public content::BlockStore {
 public:
  // `url` is "http://HOST:PORT" of the Kubo RPC API. Checks it answers /api/v0/version.
  [[nodiscard]] static Result<std::unique_ptr<KuboBlockStore>> connect(const std::string& url);
  ~KuboBlockStore() override;

  [[nodiscard]] Status put(const content::Cid& cid, ByteView bytes) override;
  [[nodiscard]] Result<Bytes> get(const content::Cid& cid) override;
  [[nodiscard]] Result<bool> has(const content::Cid& cid) override;
  [[nodiscard]] Status sync() override { return Status::ok(); }
  [[nodiscard]] Status pin(const content::Cid& root) override;
  [[nodiscard]] Status unpin(const content::Cid& root) override;
  [[nodiscard]] Result<std::vector<content::Cid>> pins() override;
  [[nodiscard]] Result<content::GcReport> collect_garbage() override;

 private:
  struct Reply {
    int status = 0;
    std::string body;
  };
  KuboBlockStore(std::string url, std::unique_ptr<httplib::Client> client);
  // POST /api/v0/{command}?{query}; a Kubo error answer becomes an Error with its Message.
  [[nodiscard]] Result<std::string> call(const std::string& command, const std::string& query,
                                         const std::string* block = nullptr);

  std::string url_;
  std::unique_ptr<httplib::Client> client_;
  std::mutex mu_;
  std::atomic<bool> legacy_format_{false};  // the remote wants block/put?format= (js-ipfs)
};

}  // namespace pv::api
