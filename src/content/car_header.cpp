// The CARv1 header's DAG-CBOR, encoded and decoded by hand (RFC 8949 major types 0, 2, 3, 4, 5
// and tag 42 only, minimal lengths as DAG-CBOR requires).

#include "content/car.hpp"
#include "content/varint.hpp"

namespace pv::content {
namespace {

constexpr std::uint8_t kMajorUint = 0, kMajorBytes = 2, kMajorText = 3, kMajorArray = 4,
                       kMajorMap = 5, kMajorTag = 6;
constexpr std::uint64_t kCidTag = 42;

void put_head(Bytes& out, std::uint8_t major, std::uint64_t n) {
  const auto m = static_cast<std::uint8_t>(major << 5);
  if (n < 24) {
    out.push_back(m | static_cast<std::uint8_t>(n));
  } else if (n <= 0xff) {
    out.push_back(m | 24);
    out.push_back(static_cast<std::uint8_t>(n));
  } else if (n <= 0xffff) {
    out.push_back(m | 25);
    out.push_back(static_cast<std::uint8_t>(n >> 8));
    out.push_back(static_cast<std::uint8_t>(n));
  } else {
    out.push_back(m | 26);
    for (int shift = 24; shift >= 0; shift -= 8)
      out.push_back(static_cast<std::uint8_t>(n >> shift));
  }
}

void put_text(Bytes& out, std::string_view s) {
  put_head(out, kMajorText, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

class CborReader {
 public:
  explicit CborReader(ByteView in) : in_(in) {}
  // Reads an item head of `major`, minimal length encoding only; returns its argument.
  Result<std::uint64_t> head(std::uint8_t major, const char* what) {
    if (pos_ >= in_.size()) return fail(std::string(what) + ": header ends early");
    const std::uint8_t initial = in_[pos_++];
    if ((initial >> 5) != major) return fail(std::string(what) + ": unexpected CBOR type");
    const std::uint8_t info = initial & 31;
    if (info < 24) return std::uint64_t{info};
    const int len = info == 24 ? 1 : info == 25 ? 2 : info == 26 ? 4 : info == 27 ? 8 : 0;
    if (len == 0) return fail(std::string(what) + ": indefinite or reserved CBOR length");
    if (in_.size() - pos_ < static_cast<std::size_t>(len))
      return fail(std::string(what) + ": header ends early");
    std::uint64_t n = 0;
    for (int i = 0; i < len; ++i) n = (n << 8) | in_[pos_++];
    const std::uint64_t min = len == 1 ? 24 : len == 2 ? 0x100 : len == 4 ? 0x10000 : 0x100000000;
    if (n < min) return fail(std::string(what) + ": CBOR length not minimally encoded");
    return n;
  }
  Result<ByteView> bytes(std::uint8_t major, const char* what) {
    auto n = head(major, what);
    if (!n) return n.error();
    if (*n > in_.size() - pos_) return fail(std::string(what) + ": header ends early");
    ByteView out = in_.subspan(pos_, *n);
    pos_ += *n;
    return out;
  }
  Status expect_text(std::string_view text) {
    auto b = bytes(kMajorText, "CAR header key");
    if (!b) return b.error();
    if (as_chars(*b) != text)
      return fail("CAR header: expected key \"" + std::string(text) + "\" (roots, then version)");
    return Status::ok();
  }
  bool at_end() const { return pos_ == in_.size(); }
  static Error fail(const std::string& message) { return make_error(Errc::malformed, message); }

 private:
  ByteView in_;
  std::size_t pos_ = 0;
};

}  // namespace

Bytes encode_car_header(const std::vector<Cid>& roots) {
  Bytes body;
  put_head(body, kMajorMap, 2);
  put_text(body, "roots");
  put_head(body, kMajorArray, roots.size());
  for (const Cid& root : roots) {
    put_head(body, kMajorTag, kCidTag);
    Bytes cid{0x00};  // the multibase "identity" prefix DAG-CBOR puts before binary CIDs
    root.append_to(cid);
    put_head(body, kMajorBytes, cid.size());
    body.insert(body.end(), cid.begin(), cid.end());
  }
  put_text(body, "version");
  put_head(body, kMajorUint, 1);
  Bytes out;
  append_varint(out, body.size());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Result<std::vector<Cid>> decode_car_header(ByteView header) {
  CborReader r(header);
  auto entries = r.head(kMajorMap, "CAR header");
  if (!entries) return entries.error();
  if (*entries != 2)
    return CborReader::fail("CAR header: expected a map of exactly roots and version");
  PV_TRY(r.expect_text("roots"));
  auto count = r.head(kMajorArray, "CAR roots");
  if (!count) return count.error();
  if (*count > kMaxCarRoots) return CborReader::fail("CAR header: more than 1024 roots");
  std::vector<Cid> roots;
  for (std::uint64_t i = 0; i < *count; ++i) {
    auto tag = r.head(kMajorTag, "CAR root");
    if (!tag) return tag.error();
    if (*tag != kCidTag) return CborReader::fail("CAR root: expected CBOR tag 42 (a CID)");
    auto b = r.bytes(kMajorBytes, "CAR root");
    if (!b) return b.error();
    if (b->empty() || (*b)[0] != 0x00)
      return CborReader::fail("CAR root: a tag-42 CID must start with the 0x00 prefix");
    auto cid = Cid::decode(b->subspan(1));
    if (!cid) return CborReader::fail("CAR root " + std::to_string(i) + ": " + cid.error().message);
    roots.push_back(*cid);
  }
  PV_TRY(r.expect_text("version"));
  auto version = r.head(kMajorUint, "CAR version");
  if (!version) return version.error();
  if (*version != 1)
    return CborReader::fail("CAR version " + std::to_string(*version) +
                            " is not supported (only CARv1; convert CARv2 with `car` tools)");
  if (!r.at_end()) return CborReader::fail("CAR header: bytes after the version");
  return roots;
}

}  // namespace pv::content
