#include "content/dag_pb.hpp"

#include "content/protobuf_wire.hpp"
#include "content/varint.hpp"

namespace pv::content {
namespace {

// Field keys ((field << 3) | wire type) as single bytes.
constexpr std::uint8_t kNodeData = (1 << 3) | kWireBytes;
constexpr std::uint8_t kNodeLinks = (2 << 3) | kWireBytes;
constexpr std::uint8_t kLinkHash = (1 << 3) | kWireBytes;
constexpr std::uint8_t kLinkName = (2 << 3) | kWireBytes;
constexpr std::uint8_t kLinkTsize = (3 << 3) | kWireVarint;

Bytes encode_link(const PbLink& link) {
  Bytes out;
  out.reserve(64);
  put_bytes_field(out, kLinkHash, link.hash.bytes());
  if (link.name) put_bytes_field(out, kLinkName, as_bytes(*link.name));
  if (link.tsize) put_varint_field(out, kLinkTsize, *link.tsize);
  return out;
}

Result<PbLink> decode_link(ByteView in) {
  PbLink link;
  WireReader r(in, "dag-pb link");
  int last_field = 0;
  bool has_hash = false;
  while (!r.at_end()) {
    auto key = r.key();
    if (!key) return key.error();
    const int field = *key >> 3;
    if (field <= last_field)
      return r.error(Errc::non_canonical, "fields out of order or repeated (Hash, Name, Tsize)");
    last_field = field;
    if (*key == kLinkHash) {
      auto bytes = r.bytes();
      if (!bytes) return bytes.error();
      auto cid = Cid::decode(*bytes);
      if (!cid) return r.error(Errc::malformed, "Hash: " + cid.error().message);
      link.hash = *cid;
      has_hash = true;
    } else if (*key == kLinkName) {
      auto bytes = r.bytes();
      if (!bytes) return bytes.error();
      link.name = std::string(as_chars(*bytes));
    } else if (*key == kLinkTsize) {
      auto v = r.varint();
      if (!v) return v.error();
      link.tsize = *v;
    } else {
      return r.error(Errc::malformed,
                     "unknown field or wire type (key " + std::to_string(*key) + ")");
    }
  }
  if (!has_hash) return make_error(Errc::malformed, "dag-pb link: missing Hash");
  return link;
}

}  // namespace

Bytes encode_pb_node(const PbNode& node) {
  Bytes out;
  out.reserve(node.links.size() * 48 + (node.data ? node.data->size() + 8 : 0));
  for (const auto& link : node.links) put_bytes_field(out, kNodeLinks, encode_link(link));
  if (node.data) put_bytes_field(out, kNodeData, *node.data);
  return out;
}

Result<PbNode> decode_pb_node(ByteView in) {
  if (in.size() > kMaxPbNodeBytes)
    return make_error(Errc::too_large, "dag-pb node of " + std::to_string(in.size()) +
                                           " bytes is over the limit of 2 MiB");
  PbNode node;
  WireReader r(in, "dag-pb node");
  while (!r.at_end()) {
    auto key = r.key();
    if (!key) return key.error();
    if (node.data)
      return r.error(Errc::non_canonical, "a field follows Data (Data must come last, once)");
    if (*key == kNodeLinks) {
      auto bytes = r.bytes();
      if (!bytes) return bytes.error();
      auto link = decode_link(*bytes);
      if (!link)
        return r.error(link.error().code,
                       "link " + std::to_string(node.links.size()) + ": " + link.error().message);
      node.links.push_back(std::move(*link));
    } else if (*key == kNodeData) {
      auto bytes = r.bytes();
      if (!bytes) return bytes.error();
      node.data = Bytes(bytes->begin(), bytes->end());
    } else {
      return r.error(Errc::malformed,
                     "unknown field or wire type (key " + std::to_string(*key) + ")");
    }
  }
  return node;
}

}  // namespace pv::content
