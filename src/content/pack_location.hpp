#pragma once
// Where a block lives in a PackBlockStore's pack files, and when it was last written: the value
// of the block's index entry, 24 bytes, big-endian:
//   pack number (4) | offset in the pack (8) | length (4) | write time, unix seconds (8)
// Blocks start at multiples of kPackAlignment and take whole multiples of it (zero padding),
// so pack files are written with O_DIRECT and a deleted block's space can be punched out.

#include <cstdint>

#include "base/bytes.hpp"
#include "base/result.hpp"

namespace pv::content {

inline constexpr std::uint64_t kPackAlignment = 4096;
inline constexpr std::size_t kIndexEntryBytes = 24;

// The bytes a block of `length` bytes takes in a pack.
constexpr std::uint64_t pack_slot(std::uint64_t length) {
  return (length + kPackAlignment - 1) / kPackAlignment * kPackAlignment;
}

struct PackLocation {
  std::uint32_t pack = 0;
  std::uint64_t offset = 0;
  std::uint32_t length = 0;
  friend bool operator==(const PackLocation&, const PackLocation&) = default;
};

// A pack's length at a sync: every block below it is durable.
struct PackExtent {
  std::uint32_t pack = 0;
  std::uint64_t length = 0;
};

struct BlockIndexEntry {
  PackLocation where;
  std::int64_t written_at = 0;
};

Bytes encode_index_entry(const BlockIndexEntry& entry);
// Errc::corruption for a value of the wrong size or an offset that is not aligned.
[[nodiscard]] Result<BlockIndexEntry> decode_index_entry(ByteView value);

// A pack record of the index (column family `packs`): key the 4-byte big-endian pack number,
// value the 8-byte big-endian length durable at the last sync. Errc::corruption for a record of
// the wrong sizes.
Bytes encode_pack_key(std::uint32_t pack);
Bytes encode_pack_length(std::uint64_t length);
[[nodiscard]] Result<PackExtent> decode_pack_record(ByteView key, ByteView value);

// A pack's file name: ten decimal digits and ".pack" (0000000001.pack); parse_pack_name gives
// the number back, or nothing for any other name.
std::string pack_file_name(std::uint32_t pack);
[[nodiscard]] Result<std::uint32_t> parse_pack_name(std::string_view name);

}  // namespace pv::content
