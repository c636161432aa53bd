#include "evm/abi.hpp"

#include <cstring>

#include "evm/opcodes.hpp"

namespace pv::evm::abi {

Selector selector(std::string_view signature) {
  Bytes32 h = keccak256(as_bytes(signature));
  Selector s;
  std::memcpy(s.data(), h.data(), s.size());
  return s;
}

bool code_pushes_selector(ByteView code, const Selector& s) {
  const std::uint64_t wanted =
      (std::uint64_t{s[0]} << 24) | (std::uint64_t{s[1]} << 16) | (std::uint64_t{s[2]} << 8) | s[3];
  for (std::size_t pc = 0; pc < code.size(); ++pc) {
    const std::uint8_t op = code[pc];
    if (op == PUSH0) {
      if (wanted == 0) return true;
      continue;
    }
    if (op < PUSH1 || op > PUSH32) continue;
    const std::size_t size = op - PUSH1 + 1;
    // The value pushed; a push cut short by the end of the code is padded with zeros.
    bool high_zero = true;
    std::uint64_t low = 0;
    for (std::size_t i = 0; i < size; ++i) {
      const std::size_t at = pc + 1 + i;
      const std::uint8_t b = at < code.size() ? code[at] : 0;
      if (size - i > 4) {
        high_zero &= b == 0;
      } else {
        low = (low << 8) | b;
      }
    }
    if (high_zero && low == wanted) return true;
    pc += size;
  }
  return false;
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
