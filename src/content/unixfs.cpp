#include "content/unixfs.hpp"

#include "content/protobuf_wire.hpp"

namespace pv::content {
namespace {

constexpr std::uint8_t kType = (1 << 3) | kWireVarint;
constexpr std::uint8_t kData = (2 << 3) | kWireBytes;
constexpr std::uint8_t kFilesize = (3 << 3) | kWireVarint;
constexpr std::uint8_t kBlocksize = (4 << 3) | kWireVarint;

}  // namespace

Bytes encode_unixfs(const UnixFsData& d) {
  Bytes out;
  out.reserve(16 + d.blocksizes.size() * 4 + (d.data ? d.data->size() : 0));
  put_varint_field(out, kType, static_cast<std::uint64_t>(d.type));
  if (d.data) put_bytes_field(out, kData, *d.data);
  if (d.filesize) put_varint_field(out, kFilesize, *d.filesize);
  for (std::uint64_t size : d.blocksizes) put_varint_field(out, kBlocksize, size);
  return out;
}

Result<UnixFsData> decode_unixfs(ByteView in) {
  UnixFsData d;
  WireReader r(in, "UnixFS data");
  int last_field = 0;
  while (!r.at_end()) {
    auto key = r.key();
    if (!key) return key.error();
    const int field = *key >> 3;
    // blocksizes (4) is the only repeated field; everything else appears at most once.
    if (field < last_field || (field == last_field && field != 4))
      return r.error(Errc::non_canonical, "fields out of order or repeated");
    last_field = field;
    if (*key == kType) {
      auto v = r.varint();
      if (!v) return v.error();
      if (*v > static_cast<std::uint64_t>(UnixFsType::hamt_shard))
        return r.error(Errc::malformed, "unknown Type " + std::to_string(*v));
      d.type = static_cast<UnixFsType>(*v);
    } else if (*key == kData) {
      auto b = r.bytes();
      if (!b) return b.error();
      d.data = Bytes(b->begin(), b->end());
    } else if (*key == kFilesize) {
      auto v = r.varint();
      if (!v) return v.error();
      d.filesize = *v;
    } else if (*key == kBlocksize) {
      auto v = r.varint();
      if (!v) return v.error();
      d.blocksizes.push_back(*v);
    } else if (field >= 5 && field <= 8) {
      return r.error(Errc::malformed,
                     "field " + std::to_string(field) +
                         " (hashType, fanout, mode or mtime) is not supported: only plain files");
    } else {
      return r.error(Errc::malformed,
                     "unknown field or wire type (key " + std::to_string(*key) + ")");
    }
  }
  if (last_field == 0 || in[0] != kType)
    return make_error(Errc::malformed, "UnixFS data: missing the required Type field");
  return d;
}

}  // namespace pv::content
