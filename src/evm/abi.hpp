#pragma once
// The Solidity contract ABI, as much as the ledger's calls need: function selectors, a flat
// argument list of static words (uint, bool, address, bytes32, static tuples laid out inline)
// and dynamic arrays of words, and reading words back from return data. Layout per the Solidity
// ABI specification ("Formal Specification of the Encoding").

#include <array>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "evm/types.hpp"

namespace pv::evm::abi {

using Selector = std::array<std::uint8_t, 4>;

// The first four bytes of keccak256(signature), e.g. selector("revoke(bytes32,uint64)").
[[nodiscard]] Selector selector(std::string_view signature);

// Encodes one call: the selector, then the head (a word per static argument, an offset per
// dynamic one), then the tails of the dynamic arguments in order.
class CallEncoder {
 public:
  explicit CallEncoder(std::string_view signature) : selector_(selector(signature)) {}
  // With the selector already computed (a call made often).
  explicit CallEncoder(const Selector& selector) : selector_(selector) {}
  CallEncoder& word(const uint256& v);
  CallEncoder& address(const Address& a) { return word(to_word(a)); }
  CallEncoder& bytes32(const Bytes32& b) { return word(to_word(b)); }
  CallEncoder& boolean(bool b) { return word(uint256(b ? 1 : 0)); }
  // A dynamic array of words (bytes32[], address[], uint256[]).
  CallEncoder& words(const std::vector<uint256>& items);
  [[nodiscard]] Bytes finish() const;

 private:
  struct Slot {
    bool dynamic = false;
    uint256 value{};             // static
    std::vector<uint256> items;  // dynamic
  };
  Selector selector_;
  std::vector<Slot> slots_;
};

// Whether `code` holds a PUSH instruction (not push data) whose value is `s`: solc's dispatcher
// compares the call's selector with each external function's pushed as a constant, so code
// without one has no function of that selector (a call of it reaches the fallback or reverts).
// Code written otherwise may still have it; a constant that happens to equal `s` makes a false
// yes. Deterministic: it reads nothing but `code`.
[[nodiscard]] bool code_pushes_selector(ByteView code, const Selector& s);

// Word `index` (0-based) of return data; an error when the data is shorter.
[[nodiscard]] Result<uint256> word_at(ByteView data, std::size_t index);

}  // namespace pv::evm::abi
