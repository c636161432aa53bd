#include "api/block_store_config.hpp"

#include <filesystem>

#include "api/kubo_block_store.hpp"
#include "content/pack_block_store.hpp"
#include "content/rocks_block_store.hpp"

namespace pv::api {

Result<std::unique_ptr<content::BlockStore>> open_block_store(const NodeConfig& config) {
  if (!config.blockstore_kubo_url.empty()) {
    auto kubo = KuboBlockStore::connect(config.blockstore_kubo_url);
    if (!kubo) return kubo.error();
    return std::unique_ptr<content::BlockStore>(std::move(*kubo));
  }
  const auto dir = std::filesystem::path(config.data_dir) / "blocks";
  // A data directory made before the pack store keeps its RocksDB store (a RocksDB database has
  // a CURRENT file at its root; the pack store keeps its index one level down).
  std::error_code ec;
  if (std::filesystem::exists(dir / "CURRENT", ec)) {
    content::RocksBlockStoreOptions options;
    if (config.blockstore_gc_grace) options.gc_grace = *config.blockstore_gc_grace;
    auto legacy = content::RocksBlockStore::open(dir, options);
    if (!legacy) return legacy.error();
    return std::unique_ptr<content::BlockStore>(std::move(*legacy));
  }
  content::PackBlockStoreOptions options;
  if (config.blockstore_gc_grace) options.gc_grace = *config.blockstore_gc_grace;
  auto local = content::PackBlockStore::open(dir, options);
  if (!local) return local.error();
  return std::unique_ptr<content::BlockStore>(std::move(*local));
}

}  // namespace pv::api
