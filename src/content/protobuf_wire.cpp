#include "content/protobuf_wire.hpp"

#include "content/varint.hpp"

namespace pv::content {

void put_varint_field(Bytes& out, std::uint8_t key, std::uint64_t value) {
  out.push_back(key);
  append_varint(out, value);
}

void put_bytes_field(Bytes& out, std::uint8_t key, ByteView value) {
  out.push_back(key);
  append_varint(out, value.size());
  out.insert(out.end(), value.begin(), value.end());
}

Error WireReader::error(Errc code, const std::string& message) const {
  return make_error(code, std::string(what_) + " at byte " + std::to_string(pos_) + ": " + message);
}

Result<std::uint8_t> WireReader::key() {
  const std::size_t start = pos_;
  auto v = read_varint(in_, pos_, "field key");
  if (!v) return error(v.error().code, v.error().message);
  if (*v > 127 || *v == 0) {
    pos_ = start;
    return error(Errc::malformed, "unexpected field key " + std::to_string(*v));
  }
  return static_cast<std::uint8_t>(*v);
}

Result<std::uint64_t> WireReader::varint() {
  auto v = read_varint(in_, pos_, "varint field");
  if (!v) return error(v.error().code, v.error().message);
  return v;
}

Result<ByteView> WireReader::bytes() {
  auto len = read_varint(in_, pos_, "field length");
  if (!len) return error(len.error().code, len.error().message);
  if (*len > in_.size() - pos_)
    return error(Errc::malformed, "field length " + std::to_string(*len) + " runs past the end (" +
                                      std::to_string(in_.size() - pos_) + " bytes left)");
  ByteView out = in_.subspan(pos_, *len);
  pos_ += *len;
  return out;
}

}  // namespace pv::content
