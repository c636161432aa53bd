#include "content/dag_walk.hpp"

#include <optional>
#include <set>

#include "content/unixfs.hpp"

namespace pv::content {

Result<std::vector<Cid>> block_links(const Cid& cid, ByteView bytes) {
  std::vector<Cid> links;
  if (cid.codec() == Multicodec::raw) return links;
  auto node = decode_pb_node(bytes);
  if (!node)
    return make_error(node.error().code, "block " + cid.to_string() + ": " + node.error().message);
  links.reserve(node->links.size());
  for (const auto& link : node->links) links.push_back(link.hash);
  return links;
}

Result<std::set<Hash32>> pinned_block_digests(BlockStore& store) {
  auto roots = store.pins();
  if (!roots) return roots.error();
  std::set<Hash32> live;
  for (const Cid& root : *roots) {
    auto s = walk_dag(store, root, LeafRead::presence_only, [&](const Cid& cid, ByteView) {
      live.insert(cid.digest());
      return Status::ok();
    });
    if (!s)
      return make_error(s.error().code, "garbage collection stopped, pinned DAG " +
                                            root.to_string() +
                                            " is unreadable: " + s.error().message);
  }
  return live;
}

Status walk_dag(BlockStore& store, const Cid& root, LeafRead leaves,
                const std::function<Status(const Cid&, ByteView)>& visit) {
  std::vector<Cid> stack{root};
  std::set<Hash32> seen;
  Bytes buffer;  // one for every block read: no fresh allocation per block
  while (!stack.empty()) {
    const Cid cid = stack.back();
    stack.pop_back();
    if (!seen.insert(cid.digest()).second) continue;
    if (cid.codec() == Multicodec::raw && leaves == LeafRead::presence_only) {
      auto present = store.has(cid);
      if (!present) return present.status();
      if (!*present) return make_error(Errc::not_found, "block " + cid.to_string() + " is missing");
      if (auto s = visit(cid, {}); !s) return s;
      continue;
    }
    if (auto s = store.read_into(cid, buffer); !s) return s;
    auto links = block_links(cid, buffer);
    if (!links) return links.status();
    if (auto s = visit(cid, buffer); !s) return s;
    for (auto it = links->rbegin(); it != links->rend(); ++it) stack.push_back(*it);
  }
  return Status::ok();
}

namespace {

struct Pending {
  Cid cid;
  std::optional<std::uint64_t> file_bytes;  // what the parent's blocksizes promise
};

Error lying(const Cid& cid, const std::string& what) {
  return make_error(Errc::corruption, "file node " + cid.to_string() + ": " + what);
}

}  // namespace

Status read_file(BlockStore& store, const Cid& root, const std::function<Status(ByteView)>& out) {
  std::vector<Pending> stack{{root, std::nullopt}};
  Bytes buffer;  // one for every block read: no fresh allocation per block
  while (!stack.empty()) {
    const Pending p = stack.back();
    stack.pop_back();
    if (auto s = store.read_into(p.cid, buffer); !s) return s;
    if (p.cid.codec() == Multicodec::raw) {
      if (p.file_bytes && *p.file_bytes != buffer.size())
        return lying(p.cid, "raw leaf has " + std::to_string(buffer.size()) +
                                " bytes, its parent's blocksizes say " +
                                std::to_string(*p.file_bytes));
      if (auto s = out(buffer); !s) return s;
      continue;
    }
    auto node = decode_pb_node(buffer);
    if (!node)
      return make_error(node.error().code, p.cid.to_string() + ": " + node.error().message);
    if (!node->data) return lying(p.cid, "dag-pb node without UnixFS data");
    auto fs = decode_unixfs(*node->data);
    if (!fs) return make_error(fs.error().code, p.cid.to_string() + ": " + fs.error().message);
    if (fs->type != UnixFsType::file && fs->type != UnixFsType::raw)
      return make_error(Errc::invalid_argument, p.cid.to_string() + " is not a file (UnixFS type " +
                                                    std::to_string(static_cast<int>(fs->type)) +
                                                    ")");
    if (fs->blocksizes.size() != node->links.size())
      return lying(p.cid, std::to_string(node->links.size()) + " links but " +
                              std::to_string(fs->blocksizes.size()) + " blocksizes");
    std::uint64_t total = fs->data ? fs->data->size() : 0;
    for (std::uint64_t size : fs->blocksizes) {
      if (size > UINT64_MAX - total) return lying(p.cid, "blocksizes overflow");
      total += size;
    }
    const std::uint64_t filesize = fs->filesize.value_or(total);
    if (filesize != total)
      return lying(p.cid, "filesize " + std::to_string(filesize) + " != data + blocksizes " +
                              std::to_string(total));
    if (p.file_bytes && *p.file_bytes != filesize)
      return lying(p.cid, "holds " + std::to_string(filesize) + " bytes, its parent says " +
                              std::to_string(*p.file_bytes));
    if (fs->data && !fs->data->empty())
      if (auto s = out(*fs->data); !s) return s;
    for (std::size_t i = node->links.size(); i-- > 0;)
      stack.push_back(Pending{node->links[i].hash, fs->blocksizes[i]});
  }
  return Status::ok();
}

DagBlocks dag_blocks(BlockStore& store, std::span<const Cid> roots) {
  DagBlocks out;
  std::vector<Cid> pending(roots.rbegin(), roots.rend());
  std::set<Hash32> seen;
  while (!pending.empty()) {
    Cid cid = pending.back();
    pending.pop_back();
    if (!seen.insert(cid.digest()).second) continue;
    auto bytes = store.get(cid);
    if (!bytes) {
      out.missing.push_back(cid.digest());
      continue;
    }
    out.present.push_back(cid.digest());
    auto links = block_links(cid, *bytes);
    if (!links) continue;
    for (auto it = links->rbegin(); it != links->rend(); ++it) pending.push_back(*it);
  }
  return out;
}

}  // namespace pv::content
