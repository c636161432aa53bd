#pragma once
// What the node's two local stores (PackBlockStore, RocksBlockStore) share: every way of putting
// blocks ends in one write_blocks() call with all the blocks, after the CID check unless a pass
// key says the blocks were just checked (by the importer that hashed them, or the CAR reader).

#include "content/block_store.hpp"

namespace pv::content {

class LocalBlockStore : public BlockStore {
 public:
  [[nodiscard]] Status put(const Cid& cid, ByteView bytes) final {
    const BlockView one{cid, bytes};
    return put_all(std::span(&one, 1));
  }
  [[nodiscard]] Status put_hashed(HashedByImporter, const Cid& cid, ByteView bytes) final {
    const BlockView one{cid, bytes};
    return write_blocks(std::span(&one, 1));
  }
  // All blocks or none.
  [[nodiscard]] Status put_all(std::span<const BlockView> blocks) final {
    PV_TRY(check_blocks(blocks));
    return write_blocks(blocks);
  }
  [[nodiscard]] Status put_all_checked(CheckedByCarReader,
                                       std::span<const BlockView> blocks) final {
    return write_blocks(blocks);
  }

 protected:
  // Stores blocks whose CIDs are already checked: all of them or none. Not durable until sync().
  [[nodiscard]] virtual Status write_blocks(std::span<const BlockView> blocks) = 0;
};

}  // namespace pv::content
