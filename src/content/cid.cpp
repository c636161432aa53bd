#include "content/cid.hpp"

#include <cstdio>

#include "codec/did_key.hpp"
#include "content/base32.hpp"
#include "content/varint.hpp"

namespace pv::content {
namespace {

std::string hex_code(std::uint64_t code) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(code));
  return buf;
}

Result<Multicodec> codec_from(std::uint64_t code) {
  if (code == static_cast<std::uint64_t>(Multicodec::raw)) return Multicodec::raw;
  if (code == static_cast<std::uint64_t>(Multicodec::dag_pb)) return Multicodec::dag_pb;
  return make_error(Errc::malformed, "CID: unsupported codec " + hex_code(code) +
                                         " (only raw 0x55 and dag-pb 0x70)");
}

// Reads "0x12 0x20 <32 bytes>" at pos.
Result<Hash32> read_multihash(ByteView in, std::size_t& pos) {
  auto fn = read_varint(in, pos, "CID multihash function");
  if (!fn) return fn.error();
  if (*fn != kSha2_256)
    return make_error(Errc::malformed, "CID: unsupported multihash function " + hex_code(*fn) +
                                           " (only sha2-256 0x12)");
  auto len = read_varint(in, pos, "CID multihash length");
  if (!len) return len.error();
  if (*len != Hash32::size())
    return make_error(Errc::malformed,
                      "CID: sha2-256 digest length is " + std::to_string(*len) + ", not 32");
  if (in.size() - pos < Hash32::size())
    return make_error(Errc::malformed, "CID: input ends inside the digest");
  auto digest = Hash32::from(in.subspan(pos, Hash32::size()));
  pos += Hash32::size();
  return digest;
}

}  // namespace

const char* codec_name(Multicodec codec) {
  return codec == Multicodec::raw ? "raw" : "dag-pb";
}

Cid Cid::of(Multicodec codec, ByteView block) {
  return Cid(1, codec, sha256(block));
}

bool Cid::matches(ByteView block) const {
  return sha256(block) == digest_;
}

Status verify_block(const Cid& cid, ByteView block) {
  if (cid.matches(block)) return Status::ok();
  return make_error(Errc::corruption, "block " + cid.to_string() + " (" +
                                          std::to_string(block.size()) +
                                          " bytes) does not hash to its CID");
}

void Cid::append_to(Bytes& out) const {
  if (version_ == 1) {
    append_varint(out, 1);
    append_varint(out, static_cast<std::uint64_t>(codec_));
  }
  append_varint(out, kSha2_256);
  append_varint(out, Hash32::size());
  out.insert(out.end(), digest_.bytes.begin(), digest_.bytes.end());
}

Bytes Cid::bytes() const {
  Bytes out;
  out.reserve(kCidV1Size);
  append_to(out);
  return out;
}

std::string Cid::to_string() const {
  if (version_ == 0) return base58btc_encode(bytes());
  return "b" + base32_lower_encode(bytes());
}

Result<Cid> Cid::read(ByteView in, std::size_t& pos) {
  // A CIDv0 is a bare sha2-256 multihash: it starts with 0x12 0x20, which no CIDv1 does.
  if (in.size() - pos >= 2 && in[pos] == 0x12 && in[pos + 1] == 0x20) {
    auto digest = read_multihash(in, pos);
    if (!digest) return digest.error();
    return Cid::v0(*digest);
  }
  auto version = read_varint(in, pos, "CID version");
  if (!version) return version.error();
  if (*version != 1)
    return make_error(Errc::malformed, "CID: unsupported version " + std::to_string(*version));
  auto code = read_varint(in, pos, "CID codec");
  if (!code) return code.error();
  auto codec = codec_from(*code);
  if (!codec) return codec.error();
  auto digest = read_multihash(in, pos);
  if (!digest) return digest.error();
  return Cid::v1(*codec, *digest);
}

Result<Cid> Cid::decode(ByteView bytes) {
  std::size_t pos = 0;
  auto cid = read(bytes, pos);
  if (!cid) return cid;
  if (pos != bytes.size())
    return make_error(Errc::malformed, "CID: " + std::to_string(bytes.size() - pos) +
                                           " trailing bytes after the CID");
  return cid;
}

Result<Cid> Cid::parse(std::string_view text) {
  if (text.empty()) return make_error(Errc::malformed, "CID: empty string");
  if (text.size() == 46 && text.starts_with("Qm")) {
    auto raw = base58btc_decode(text);
    if (!raw) return make_error(Errc::malformed, "CIDv0: " + raw.error().message);
    auto cid = decode(*raw);
    if (!cid) return cid;
    if (cid->version() != 0) return make_error(Errc::malformed, "CIDv0: not a sha2-256 multihash");
    return cid;
  }
  if (text[0] != 'b')
    return make_error(Errc::malformed,
                      "CID: expected a CIDv1 in base32 (starting with 'b') or a CIDv0 ('Qm...')");
  auto raw = base32_lower_decode(text.substr(1));
  if (!raw) return make_error(Errc::malformed, "CID: " + raw.error().message);
  auto cid = decode(*raw);
  if (!cid) return cid;
  if (cid->version() != 1)
    return make_error(Errc::malformed, "CID: a base32 string must hold a CIDv1");
  return cid;
}

}  // namespace pv::content
