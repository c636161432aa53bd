#pragma once
// Which blockstore a node keeps its content in (docs/configuration.md, "blockstore"): the local
// pack store in <data-dir>/blocks (default; a data directory made
// before it keeps its RocksDB store), or an IPFS node's Kubo RPC API.

#include <memory>

#include "content/block_store.hpp"
#include "node/config.hpp"

namespace pv::api {

[[nodiscard]] Result<std::unique_ptr<content::BlockStore>> open_block_store(
    const NodeConfig& config);

}  // namespace pv::api
