#pragma once
// UnixFS `Data` message: the payload of a dag-pb node that describes a file.
//
//   message Data { required DataType Type = 1; optional bytes Data = 2; optional uint64 filesize =
//   3;
//                  repeated uint64 blocksizes = 4; ... }
//
// Kubo writes the fields in field-number order, blocksizes unpacked (one key per entry). For a
// file node with raw leaves: Type=File, no Data, filesize = bytes under the node, one blocksize
// per link (the file bytes under that link). The decoder accepts only that canonical form and
// the fields 1-4; hashType, fanout, mode and mtime (directories, HAMT shards, metadata) are
// refused as unsupported, since PatientVault only stores files.

#include <cstdint>
#include <optional>
#include <vector>

#include "base/bytes.hpp"

namespace pv::content {

enum class UnixFsType : std::uint64_t {
  raw = 0,
  directory = 1,
  file = 2,
  metadata = 3,
  symlink = 4,
  hamt_shard = 5,
};

struct UnixFsData {
  UnixFsType type = UnixFsType::file;
  std::optional<Bytes> data;
  std::optional<std::uint64_t> filesize;
  std::vector<std::uint64_t> blocksizes;
  friend bool operator==(const UnixFsData&, const UnixFsData&) = default;
};

Bytes encode_unixfs(const UnixFsData& data);
[[nodiscard]] Result<UnixFsData> decode_unixfs(ByteView bytes);

}  // namespace pv::content
