#pragma once
// One call frame as the interpreter sees it: stack, memory, gas, return data of the last call.
// Internal to the evm level.

#include <algorithm>
#include <cstring>
#include <memory>

#include "evm/gas.hpp"
#include "evm/vm.hpp"

namespace pv::evm {

inline constexpr int stack_limit = 1024;
// Memory regions end below 2^32 bytes; anything larger could never be paid for.
inline constexpr std::uint64_t max_memory_end = 0xffffffffull;

struct Frame {
  Frame(Vm& vm_, const Message& msg_, ByteView code_)
      : vm(vm_), state(vm_.state()), msg(msg_), code(code_), gas(msg_.gas),
        stack(std::make_unique_for_overwrite<uint256[]>(stack_limit)), sp(stack.get()) {}

  Vm& vm;
  State& state;
  const Message& msg;
  ByteView code;
  const JumpdestMap* jumpdests = nullptr;  // analysis of `code`, set by the interpreter
  std::int64_t gas;
  std::unique_ptr<uint256[]> stack;
  uint256* sp;  // one past the top of the stack
  Bytes memory;
  Bytes return_data;
  Bytes output;

  // The account whose storage the frame uses (accounts never move within a transaction).
  Account& self() {
    if (self_ == nullptr) self_ = &state.get(msg.recipient);
    return *self_;
  }
  Account* self_ = nullptr;

  int size() const { return static_cast<int>(sp - stack.get()); }
  uint256& top(int i = 0) { return sp[-1 - i]; }
  uint256 pop() { return *--sp; }
  void drop(int n = 1) { sp -= n; }
  void push(const uint256& v) { *sp++ = v; }
};

inline std::int64_t memory_cost(std::uint64_t words) {
  auto w = static_cast<std::int64_t>(words);
  return gas::memory_word * w + w * w / gas::memory_quad_divisor;
}

// Grows memory to cover [offset, offset + size) and charges the expansion. False when out of
// gas (including regions no gas could pay for). An empty region never expands memory.
[[nodiscard]] inline bool grow_memory(Frame& f, const uint256& offset, const uint256& size) {
  if (size.is_zero()) return true;
  if (!offset.fits_u64() || !size.fits_u64() || offset.w[0] > max_memory_end ||
      size.w[0] > max_memory_end)
    return false;
  const std::uint64_t end = offset.w[0] + size.w[0];
  if (end <= f.memory.size()) return true;
  const std::uint64_t words = (end + 31) / 32;
  f.gas -= memory_cost(words) - memory_cost(f.memory.size() / 32);
  if (f.gas < 0) return false;
  f.memory.resize(words * 32);
  return true;
}

inline std::int64_t words_of(std::uint64_t bytes) {
  return static_cast<std::int64_t>((bytes + 31) / 32);
}

// Copies src[offset, offset + size) into dst, zero-filling what lies beyond src.
inline void copy_padded(std::uint8_t* dst, ByteView src, const uint256& offset, std::size_t size) {
  std::size_t start = offset.fits_u64() && offset.w[0] < src.size() ? offset.w[0] : src.size();
  std::size_t n = std::min(size, src.size() - start);
  if (n != 0) std::memcpy(dst, src.data() + start, n);
  if (size > n) std::memset(dst + n, 0, size - n);
}

// The instructions that read or change accounts and call frames (instructions_state.cpp).
[[nodiscard]] Status op_balance(Frame& f);
[[nodiscard]] Status op_extcodesize(Frame& f);
[[nodiscard]] Status op_extcodecopy(Frame& f);
[[nodiscard]] Status op_extcodehash(Frame& f);
[[nodiscard]] Status op_sload(Frame& f);
[[nodiscard]] Status op_sstore(Frame& f);
[[nodiscard]] Status op_log(Frame& f, int topics);
[[nodiscard]] Status op_call(Frame& f, CallKind kind);
[[nodiscard]] Status op_create(Frame& f, CallKind kind);
[[nodiscard]] Status op_selfdestruct(Frame& f);

}  // namespace pv::evm
