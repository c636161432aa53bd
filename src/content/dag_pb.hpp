#pragma once
// dag-pb (IPLD codec 0x70): the protobuf envelope of UnixFS nodes, written and read by hand.
//
//   message PBLink { optional bytes Hash = 1; optional string Name = 2; optional uint64 Tsize = 3;
//   } message PBNode { repeated PBLink Links = 2; optional bytes Data = 1; }
//
// Canonical form, as Kubo writes it and the dag-pb specification requires: every Links entry
// comes before Data on the wire (though Data has the lower field number), PBLink fields in the
// order Hash, Name, Tsize, each at most once, no other fields, minimal varints. The decoder
// accepts only that form, so a node has exactly one encoding and decode(encode(n)) == n.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.hpp"
#include "content/cid.hpp"

namespace pv::content {

struct PbLink {
  Cid hash = Cid::v1(Multicodec::raw, Hash32{});
  std::optional<std::string> name;     // Kubo writes "" for file chunks
  std::optional<std::uint64_t> tsize;  // bytes of the whole DAG under this link
  friend bool operator==(const PbLink&, const PbLink&) = default;
};

struct PbNode {
  std::vector<PbLink> links;
  std::optional<Bytes> data;
  friend bool operator==(const PbNode&, const PbNode&) = default;
};

// Largest dag-pb block the decoder reads; a UnixFS file node with 174 links is about 8 KiB.
inline constexpr std::size_t kMaxPbNodeBytes = 2 * 1024 * 1024;

Bytes encode_pb_node(const PbNode& node);
// Strict decoder: errors (malformed / non_canonical) name the field and the byte offset.
[[nodiscard]] Result<PbNode> decode_pb_node(ByteView bytes);

}  // namespace pv::content
