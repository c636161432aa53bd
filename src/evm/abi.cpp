#include "evm/abi.hpp"

#include <cstring>

namespace pv::evm::abi {

Selector selector(std::string_view signature) {
  Bytes32 h = keccak256(as_bytes(signature));
  Selector s;
  std::memcpy(s.data(), h.data(), s.size());
  return s;
}

CallEncoder& CallEncoder::word(const uint256& v) {
  slots_.push_back(Slot{false, v, {}});
  return *this;
}

CallEncoder& CallEncoder::words(const std::vector<uint256>& items) {
  slots_.push_back(Slot{true, uint256{}, items});
  return *this;
}

Bytes CallEncoder::finish() const {
  std::size_t tail_words = 0;
  for (const auto& s : slots_)
    if (s.dynamic) tail_words += 1 + s.items.size();
  Bytes out(4 + 32 * (slots_.size() + tail_words), 0);
  std::memcpy(out.data(), selector_.data(), 4);
  std::uint8_t* head = out.data() + 4;
  std::size_t tail = 32 * slots_.size();  // offset of the next tail, from the head's start
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const Slot& s = slots_[i];
    if (!s.dynamic) {
      store_be32(head + 32 * i, s.value);
      continue;
    }
    store_be32(head + 32 * i, uint256(tail));
    store_be32(head + tail, uint256(s.items.size()));
    tail += 32;
    for (const auto& item : s.items) {
      store_be32(head + tail, item);
      tail += 32;
    }
  }
  return out;
}

Result<uint256> word_at(ByteView data, std::size_t index) {
  if (data.size() < 32 * (index + 1))
    return make_error(Errc::malformed, "return data holds " + std::to_string(data.size()) +
                                           " bytes, word " + std::to_string(index) + " is missing");
  return load_be32(data.data() + 32 * index);
}

}  // namespace pv::evm::abi
