#pragma once
// Content identifiers (multiformats CID). PatientVault produces CIDv1 with sha2-256 multihashes
// and the codecs raw (0x55, file chunks) and dag-pb (0x70, UnixFS nodes), written as base32
// lower-case multibase strings ("bafy...", "bafk..."). It reads CIDv0 ("Qm...", dag-pb,
// base58btc) too, since older IPFS tools print those. Binary form of a CIDv1:
//   varint(1) varint(codec) varint(0x12 sha2-256) varint(32) <32-byte digest>
// and of a CIDv0: the multihash alone (0x12 0x20 <digest>). See docs/content-store.md.

#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.hpp"
#include "crypto/sha256.hpp"

namespace pv::content {

enum class Multicodec : std::uint64_t {
  raw = 0x55,
  dag_pb = 0x70,
};

// The only multihash function accepted: sha2-256 with a 32-byte digest.
inline constexpr std::uint64_t kSha2_256 = 0x12;
// Binary size of a CIDv1 of ours: four one-byte varints and the digest.
inline constexpr std::size_t kCidV1Size = 36;

class Cid {
 public:
  // A CIDv1 for `codec` whose multihash is the sha2-256 of `block`.
  static Cid of(Multicodec codec, ByteView block);
  static Cid v1(Multicodec codec, const Hash32& digest) { return Cid(1, codec, digest); }
  static Cid v0(const Hash32& digest) { return Cid(0, Multicodec::dag_pb, digest); }

  // Parses the text form: "b" + base32 lower-case of a binary CIDv1, or a 46-character
  // base58btc CIDv0 starting with "Qm". Errors say which part is wrong.
  [[nodiscard]] static Result<Cid> parse(std::string_view text);
  // Decodes a whole binary CID (no trailing bytes).
  [[nodiscard]] static Result<Cid> decode(ByteView bytes);
  // Decodes a binary CID at `pos` and advances `pos` past it (CAR sections, dag-pb links).
  [[nodiscard]] static Result<Cid> read(ByteView in, std::size_t& pos);

  int version() const { return version_; }
  Multicodec codec() const { return codec_; }
  const Hash32& digest() const { return digest_; }

  Bytes bytes() const;
  void append_to(Bytes& out) const;
  // "b..." for CIDv1, "Qm..." for CIDv0.
  std::string to_string() const;
  // The same content as a CIDv1 (CIDv0 is dag-pb with the same multihash).
  Cid to_v1() const { return Cid(1, codec_, digest_); }

  // True when `block` hashes to this CID's digest.
  [[nodiscard]] bool matches(ByteView block) const;

  friend bool operator==(const Cid&, const Cid&) = default;
  friend auto operator<=>(const Cid&, const Cid&) = default;

 private:
  Cid(int version, Multicodec codec, const Hash32& digest)
      : version_(version), codec_(codec), digest_(digest) {}
  int version_ = 1;
  Multicodec codec_ = Multicodec::raw;
  Hash32 digest_;
};

const char* codec_name(Multicodec codec);

// Checks that `block` hashes to `cid`; Errc::corruption naming the CID when it does not.
[[nodiscard]] Status verify_block(const Cid& cid, ByteView block);

}  // namespace pv::content
