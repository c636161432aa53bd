#include "content/block_store.hpp"

namespace pv::content {

Status check_blocks(std::span<const BlockView> blocks) {
  for (const auto& b : blocks)
    if (!b.cid.matches(b.bytes))
      return make_error(Errc::invalid_argument,
                        "refused to store " + std::to_string(b.bytes.size()) + " bytes under " +
                            b.cid.to_string() + ": they do not hash to that CID" +
                            (blocks.size() > 1 ? " (nothing of this batch was stored)" : ""));
  return Status::ok();
}

}  // namespace pv::content
