#include "content/pack_location.hpp"

#include <charconv>
#include <cstdio>

namespace pv::content {
namespace {

void put_be(Bytes& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::uint64_t get_be(ByteView in, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | in[at + static_cast<std::size_t>(i)];
  return v;
}

}  // namespace

Bytes encode_index_entry(const BlockIndexEntry& entry) {
  Bytes out;
  out.reserve(kIndexEntryBytes);
  put_be(out, entry.where.pack, 4);
  put_be(out, entry.where.offset, 8);
  put_be(out, entry.where.length, 4);
  put_be(out, static_cast<std::uint64_t>(entry.written_at), 8);
  return out;
}

Result<BlockIndexEntry> decode_index_entry(ByteView value) {
  if (value.size() != kIndexEntryBytes)
    return make_error(Errc::corruption, "blockstore index: an entry of " +
                                            std::to_string(value.size()) + " bytes (expected " +
                                            std::to_string(kIndexEntryBytes) + ")");
  BlockIndexEntry e;
  e.where.pack = static_cast<std::uint32_t>(get_be(value, 0, 4));
  e.where.offset = get_be(value, 4, 8);
  e.where.length = static_cast<std::uint32_t>(get_be(value, 12, 4));
  e.written_at = static_cast<std::int64_t>(get_be(value, 16, 8));
  if (e.where.offset % kPackAlignment != 0)
    return make_error(Errc::corruption, "blockstore index: a block at unaligned offset " +
                                            std::to_string(e.where.offset) + " of pack " +
                                            pack_file_name(e.where.pack));
  return e;
}

Bytes encode_pack_key(std::uint32_t pack) {
  Bytes out;
  put_be(out, pack, 4);
  return out;
}

Bytes encode_pack_length(std::uint64_t length) {
  Bytes out;
  put_be(out, length, 8);
  return out;
}

Result<PackExtent> decode_pack_record(ByteView key, ByteView value) {
  if (key.size() != 4 || value.size() != 8)
    return make_error(Errc::corruption, "blockstore index: a pack record of " +
                                            std::to_string(key.size()) + "+" +
                                            std::to_string(value.size()) + " bytes (expected 4+8)");
  return PackExtent{static_cast<std::uint32_t>(get_be(key, 0, 4)), get_be(value, 0, 8)};
}

std::string pack_file_name(std::uint32_t pack) {
  char name[32];
  std::snprintf(name, sizeof name, "%010u.pack", pack);
  return name;
}

Result<std::uint32_t> parse_pack_name(std::string_view name) {
  constexpr std::string_view kSuffix = ".pack";
  if (name.size() != 10 + kSuffix.size() || !name.ends_with(kSuffix))
    return make_error(Errc::invalid_argument, "not a pack file name: " + std::string(name));
  std::uint32_t pack = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + 10, pack);
  if (ec != std::errc() || end != name.data() + 10)
    return make_error(Errc::invalid_argument, "not a pack file name: " + std::string(name));
  return pack;
}

}  // namespace pv::content
