#include "content/file_importer.hpp"

#include "content/dag_pb.hpp"
#include "content/unixfs.hpp"

namespace pv::content {

FileImporter::FileImporter(BlockSink& sink) : sink_(sink) {
  buffer_.reserve(kChunkSize);
}

Status FileImporter::write(ByteView data) {
  if (failed_ || finished_)
    return make_error(Errc::internal, "importer used after a failure or after finish()");
  file_size_ += data.size();
  while (!data.empty()) {
    if (buffer_.empty() && data.size() >= kChunkSize) {
      // A whole chunk straight from the caller's buffer, no copy.
      if (auto s = emit_leaf(data.first(kChunkSize)); !s) return s;
      data = data.subspan(kChunkSize);
      continue;
    }
    const std::size_t take = std::min(kChunkSize - buffer_.size(), data.size());
    buffer_.insert(buffer_.end(), data.begin(), data.begin() + take);
    data = data.subspan(take);
    if (buffer_.size() == kChunkSize) {
      if (auto s = emit_leaf(buffer_); !s) return s;
      buffer_.clear();
    }
  }
  return Status::ok();
}

Status FileImporter::emit_leaf(ByteView chunk) {
  const Cid cid = Cid::of(Multicodec::raw, chunk);
  if (auto s = sink_.put_hashed(HashedByImporter(), cid, chunk); !s) {
    failed_ = true;
    return s;
  }
  ++blocks_;
  return push(0, Entry{cid, chunk.size(), chunk.size()});
}

Status FileImporter::push(std::size_t level, const Entry& entry) {
  if (levels_.size() <= level) {
    levels_.resize(level + 1);
    produced_.resize(level + 1, 0);
  }
  levels_[level].push_back(entry);
  ++produced_[level];
  // A full group becomes a node at once, whether or not more data follows: the balanced layout
  // groups each level in runs of 174 from the left.
  if (levels_[level].size() == kMaxLinksPerNode) return reduce(level);
  return Status::ok();
}

// Replaces the pending entries of `level` by one file node one level up.
Status FileImporter::reduce(std::size_t level) {
  std::vector<Entry> children = std::move(levels_[level]);
  levels_[level].clear();
  PbNode node;
  UnixFsData fs;
  fs.type = UnixFsType::file;
  std::uint64_t file_bytes = 0, tsize_sum = 0;
  node.links.reserve(children.size());
  fs.blocksizes.reserve(children.size());
  for (const Entry& child : children) {
    node.links.push_back(PbLink{child.cid, std::string(), child.tsize});
    fs.blocksizes.push_back(child.file_bytes);
    file_bytes += child.file_bytes;
    tsize_sum += child.tsize;
  }
  fs.filesize = file_bytes;
  node.data = encode_unixfs(fs);
  const Bytes block = encode_pb_node(node);
  const Cid cid = Cid::of(Multicodec::dag_pb, block);
  if (auto s = sink_.put_hashed(HashedByImporter(), cid, block); !s) {
    failed_ = true;
    return s;
  }
  ++blocks_;
  return push(level + 1, Entry{cid, file_bytes, block.size() + tsize_sum});
}

Result<ImportResult> FileImporter::finish() {
  if (failed_ || finished_)
    return make_error(Errc::internal, "importer used after a failure or after finish()");
  finished_ = true;
  // The last partial chunk; for the empty file, the one empty raw block.
  if (!buffer_.empty() || produced_.empty()) {
    if (auto s = emit_leaf(buffer_); !s) return s.error();
    buffer_.clear();
  }
  Entry root = produced_[0] == 1
                   ? levels_[0].front()
                   : Entry{Cid::v0(Hash32{}), 0, 0};  // the single leaf, unless there are more
  if (produced_[0] > 1) {
    // Leaves are always grouped; higher levels only while more than one node exists there.
    for (std::size_t level = 0;; ++level) {
      const bool top = level + 1 == levels_.size();
      if (level > 0 && top && produced_[level] == 1) {
        root = levels_[level][0];
        break;
      }
      if (!levels_[level].empty()) {
        if (auto s = reduce(level); !s) return s.error();
      }
    }
  }
  ImportResult result;
  result.root = root.cid;
  result.file_size = file_size_;
  result.dag_size = root.tsize;
  result.blocks = blocks_;
  return result;
}

Result<ImportResult> import_bytes(BlockSink& sink, ByteView data) {
  FileImporter importer(sink);
  if (auto s = importer.write(data); !s) return s.error();
  return importer.finish();
}

}  // namespace pv::content
