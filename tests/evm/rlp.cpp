#include "rlp.hpp"

namespace pv::evm::test {

namespace {
Bytes length_prefix(std::size_t len, std::uint8_t short_base) {
  if (len < 56) return {static_cast<std::uint8_t>(short_base + len)};
  Bytes be;
  for (std::size_t v = len; v != 0; v >>= 8) be.insert(be.begin(), static_cast<std::uint8_t>(v));
  Bytes out{static_cast<std::uint8_t>(short_base + 55 + be.size())};
  out.insert(out.end(), be.begin(), be.end());
  return out;
}

struct Reader {
  ByteView in;
  std::size_t pos = 0;
};

std::optional<RlpItem> decode_item(Reader& r) {
  if (r.pos >= r.in.size()) return std::nullopt;
  const std::uint8_t b = r.in[r.pos++];
  RlpItem item;
  if (b < 0x80) {
    item.bytes = {b};
    return item;
  }
  std::size_t len = 0;
  const bool list = b >= 0xc0;
  const std::uint8_t base = list ? 0xc0 : 0x80;
  if (b - base < 56) {
    len = b - base;
  } else {
    const std::size_t n = b - base - 55;
    if (n > 8 || r.pos + n > r.in.size() || r.in[r.pos] == 0) return std::nullopt;
    for (std::size_t i = 0; i < n; ++i) len = (len << 8) | r.in[r.pos++];
    if (len < 56) return std::nullopt;
  }
  if (len > r.in.size() - r.pos) return std::nullopt;
  if (!list) {
    if (len == 1 && r.in[r.pos] < 0x80) return std::nullopt;  // must be a single byte
    item.bytes.assign(r.in.begin() + static_cast<std::ptrdiff_t>(r.pos),
                      r.in.begin() + static_cast<std::ptrdiff_t>(r.pos + len));
    r.pos += len;
    return item;
  }
  item.is_list = true;
  Reader inner{r.in.subspan(r.pos, len)};
  while (inner.pos < inner.in.size()) {
    auto child = decode_item(inner);
    if (!child) return std::nullopt;
    item.items.push_back(std::move(*child));
  }
  r.pos += len;
  return item;
}
}  // namespace

Bytes rlp_string(ByteView s) {
  if (s.size() == 1 && s[0] < 0x80) return {s[0]};
  Bytes out = length_prefix(s.size(), 0x80);
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

Bytes rlp_uint(const uint256& v) {
  std::uint8_t buf[32];
  store_be32(buf, v);
  std::size_t skip = 0;
  while (skip < 32 && buf[skip] == 0) ++skip;
  return rlp_string({buf + skip, 32 - skip});
}

Bytes rlp_list(const std::vector<Bytes>& encoded_items) {
  std::size_t total = 0;
  for (const auto& e : encoded_items) total += e.size();
  Bytes out = length_prefix(total, 0xc0);
  for (const auto& e : encoded_items) out.insert(out.end(), e.begin(), e.end());
  return out;
}

std::optional<RlpItem> rlp_decode(ByteView in) {
  Reader r{in};
  auto item = decode_item(r);
  if (!item || r.pos != in.size()) return std::nullopt;
  return item;
}

}  // namespace pv::evm::test
