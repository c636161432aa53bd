#include "api/block_store_config.hpp"

#include <filesystem>

#include "api/kubo_block_store.hpp"
#include "content/rocks_block_store.hpp"

namespace pv::api {

Result<std::unique_ptr<content::BlockStore>> open_block_store(const NodeConfig& config) {
  if (!config.blockstore_kubo_url.empty()) {
    auto kubo = KuboBlockStore::connect(config.blockstore_kubo_url);
    if (!kubo) return kubo.error();
    return std::unique_ptr<content::BlockStore>(std::move(*kubo));
  }
  auto local = content::RocksBlockStore::open(std::filesystem::path(config.data_dir) / "blocks");
  if (!local) return local.error();
  return std::unique_ptr<content::BlockStore>(std::move(*local));
}

}  // namespace pv::api
