// Fuzzes the strict dag-pb and UnixFS decoders. Invariants:
//  - canonicality: whatever decodes re-encodes to the input byte for byte, for PBNode and for
//    the UnixFS Data message (each has exactly one accepted encoding);
//  - round trip of constructed nodes: a node built from the input bytes (links with CIDs over
//    input slices, names, sizes, and data) decodes back to itself;
//  - an input that fails names what failed, and never crashes.

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "content/dag_pb.hpp"
#include "content/unixfs.hpp"

namespace {

void require(bool ok, const char* invariant) {
  if (ok) return;
  std::fprintf(stderr, "dag_pb_fuzz: invariant violated: %s\n", invariant);
  std::abort();
}

bool same(const pv::Bytes& a, pv::ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

pv::content::PbNode node_from_bytes(pv::ByteView in) {
  using namespace pv::content;
  PbNode node;
  std::size_t pos = 0;
  while (pos + 2 <= in.size() && node.links.size() < 32) {
    const std::size_t len = std::min<std::size_t>(in[pos] % 16, in.size() - pos - 2);
    const std::uint8_t flags = in[pos + 1];
    pv::ByteView slice = in.subspan(pos + 2, len);
    PbLink link;
    link.hash = (flags & 1) ? pv::content::Cid::of(Multicodec::dag_pb, slice)
                            : pv::content::Cid::of(Multicodec::raw, slice);
    if (flags & 2) link.hash = pv::content::Cid::v0(link.hash.digest());
    if (flags & 4) link.name = std::string(pv::as_chars(slice));
    if (flags & 8) link.tsize = static_cast<std::uint64_t>(flags) << (flags % 50);
    node.links.push_back(std::move(link));
    pos += 2 + len;
  }
  if (!in.empty() && (in[0] & 1)) node.data = pv::Bytes(in.begin() + pos, in.end());
  return node;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pv;
  using namespace pv::content;
  const ByteView input(data, size);

  if (auto node = decode_pb_node(input)) {
    require(same(encode_pb_node(*node), input), "encode_pb_node(decode_pb_node(x)) == x");
  } else {
    require(!node.error().message.empty(), "a dag-pb error names what failed");
  }
  if (auto fs = decode_unixfs(input)) {
    require(same(encode_unixfs(*fs), input), "encode_unixfs(decode_unixfs(x)) == x");
  } else {
    require(!fs.error().message.empty(), "a UnixFS error names what failed");
  }

  const PbNode built = node_from_bytes(input);
  auto decoded = decode_pb_node(encode_pb_node(built));
  require(decoded.is_ok(), "a well-formed node decodes");
  require(*decoded == built, "decode_pb_node(encode_pb_node(n)) == n");
  return 0;
}
