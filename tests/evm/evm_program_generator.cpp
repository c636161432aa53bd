#include "evm_program_generator.hpp"

#include <array>
#include <cstdio>
#include <random>
#include <sstream>

#include "evm/opcodes.hpp"

namespace pv::evm::testing {
namespace {

using nlohmann::json;

constexpr std::uint8_t kEntry = 0xde;                          // 0x…c0de, where the call goes
constexpr std::array<std::uint8_t, 2> kOthers = {0xd1, 0xd2};  // 0x…c0d1, 0x…c0d2

Bytes contract_address(std::uint8_t last) {
  Bytes a(20, 0);
  a[18] = 0xc0;
  a[19] = last;
  return a;
}
Bytes small_address_bytes(std::uint16_t n) {
  Bytes a(20, 0);
  a[18] = static_cast<std::uint8_t>(n >> 8);
  a[19] = static_cast<std::uint8_t>(n);
  return a;
}
const Bytes kAccountWithoutCode = small_address_bytes(0x0e0a);
const Bytes kNobody = small_address_bytes(0xdead);
const Bytes kCaller = small_address_bytes(0xcafe);

std::string hex0x(ByteView b) {
  return "0x" + to_hex(b);
}

// Writes one contract's code, chunk by chunk. The stack height is tracked along the straight
// line the chunks make, so DUP/SWAP mostly reach existing items.
class ProgramWriter {
 public:
  explicit ProgramWriter(std::mt19937_64& rng) : rng_(rng) {}

  Bytes write(int chunks) {
    for (int i = 0; i < chunks; ++i) {
      if (chance(25)) mark_jumpdest();
      chunk();
    }
    end();
    patch_jumps();
    return code_;
  }

 private:
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(int percent) { return uniform(0, 99) < percent; }
  template <class T, std::size_t N>
  T pick(const std::array<T, N>& items) {
    return items[static_cast<std::size_t>(uniform(0, static_cast<int>(N) - 1))];
  }

  void op(std::uint8_t o) {
    code_.push_back(o);
    const auto& t = cancun_instructions[o];
    height_ += t.stack_out - t.stack_in;
    if (height_ < 0) height_ = 0;
  }
  void mark_jumpdest() {
    jumpdests_.push_back(code_.size());
    op(JUMPDEST);
  }
  // PUSHn of the big-endian value (leading zeros dropped; zero is PUSH0 or PUSH1 0).
  void push(Bytes be) {
    std::size_t skip = 0;
    while (skip < be.size() && be[skip] == 0) ++skip;
    be.erase(be.begin(), be.begin() + static_cast<std::ptrdiff_t>(skip));
    if (be.empty()) {
      if (chance(70)) {
        op(PUSH0);
        return;
      }
      be.push_back(0);
    }
    op(static_cast<std::uint8_t>(PUSH1 + be.size() - 1));
    code_.insert(code_.end(), be.begin(), be.end());
  }
  void push_small(std::uint64_t v) {
    Bytes be(8);
    for (int i = 7; i >= 0; --i, v >>= 8)
      be[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v);
    push(std::move(be));
  }
  Bytes random_bytes(int n) {
    Bytes b(static_cast<std::size_t>(n));
    for (auto& x : b) x = static_cast<std::uint8_t>(uniform(0, 255));
    return b;
  }
  Bytes interesting() {
    switch (uniform(0, 15)) {
      case 0:
        return {};
      case 1:
        return {1};
      case 2:
        return {2};
      case 3:
        return {31};
      case 4:
        return {32};
      case 5:
        return {0xff};
      case 6:
        return {1, 0};
      case 7:
        return Bytes(8, 0xff);
      case 8: {
        Bytes b(17, 0);
        b[0] = 1;
        return b;
      }
      case 9: {
        Bytes b(32, 0);
        b[0] = 0x80;
        return b;
      }
      case 10:
        return Bytes(32, 0xff);
      case 11: {
        Bytes b(32, 0xff);
        b[31] = 0xfe;
        return b;
      }
      case 12:
        return random_bytes(32);
      case 13:
        return random_bytes(uniform(1, 8));
      default:
        return random_bytes(1);
    }
  }
  // An operand: a fresh value, or a copy of something on the stack.
  void operand() {
    if (height_ > 0 && chance(30))
      op(static_cast<std::uint8_t>(DUP1 + uniform(0, std::min(height_, 16) - 1)));
    else
      push(interesting());
  }
  // A memory offset or length: mostly small, sometimes large, rarely absurd (out of gas).
  void memory_number(int small_max) {
    const int k = uniform(0, 99);
    if (k < 94)
      push_small(static_cast<std::uint64_t>(uniform(0, small_max)));
    else if (k < 99)
      push_small(static_cast<std::uint64_t>(uniform(1000, 6000)));
    else
      push(interesting());
  }
  void address() {
    const int k = uniform(0, 9);
    if (k < 4)
      push(contract_address(k == 0 ? kEntry : kOthers[static_cast<std::size_t>(k % 2)]));
    else if (k == 4)
      push(kAccountWithoutCode);
    else if (k < 7)
      push_small(static_cast<std::uint64_t>(uniform(1, 7)));  // a precompile
    else if (k == 7)
      push(kNobody);
    else
      op(k == 8 ? ADDRESS : CALLER);
  }

  void chunk() {
    const int k = uniform(0, 99);
    if (k < 26)
      arithmetic();
    else if (k < 38)
      memory();
    else if (k < 50)
      storage();
    else if (k < 57)
      environment();
    else if (k < 61)
      log();
    else if (k < 72)
      call();
    else if (k < 76)
      create();
    else if (k < 84)
      control();
    else if (k < 94)
      stack();
    else if (k < 96)
      raw();
    else if (k < 97)
      end();
    else
      modexp_input();
  }

  void arithmetic() {
    static constexpr std::array<std::uint8_t, 21> binary = {
        ADD, MUL, SUB, DIV, SDIV, MOD, SMOD, EXP, SIGNEXTEND, LT, GT,
        SLT, SGT, EQ,  AND, OR,   XOR, BYTE, SHL, SHR,        SAR};
    const int k = uniform(0, 9);
    if (k < 7) {
      operand();
      operand();
      op(pick(binary));
    } else if (k < 8) {
      operand();
      operand();
      operand();
      op(chance(50) ? ADDMOD : MULMOD);
    } else {
      operand();
      op(chance(50) ? ISZERO : NOT);
    }
    if (chance(30)) op(POP);
  }

  void memory() {
    switch (uniform(0, 9)) {
      case 0:
      case 1:
        operand();
        memory_number(96);
        op(chance(75) ? MSTORE : MSTORE8);
        break;
      case 2:
        memory_number(96);
        op(MLOAD);
        break;
      case 3:
        memory_number(64);  // length
        memory_number(96);  // source
        memory_number(96);  // destination
        op(MCOPY);
        break;
      case 4:
      case 5: {
        if (chance(30)) {
          returndata_copy();
          break;
        }
        memory_number(64);
        memory_number(uniform(0, 1) ? 8 : 96);  // source offset
        memory_number(96);
        op(chance(50) ? CALLDATACOPY : CODECOPY);
        break;
      }
      case 6:
        memory_number(64);
        memory_number(64);
        memory_number(96);
        address();
        op(EXTCODECOPY);
        break;
      case 7:
        memory_number(64);
        memory_number(96);
        op(KECCAK256);
        break;
      default:
        op(MSIZE);
        break;
    }
  }

  void storage() {
    const bool transient = chance(20);
    if (chance(60)) {
      const int v = uniform(0, 9);
      if (v < 4)
        push({});
      else if (v < 7)
        push_small(static_cast<std::uint64_t>(uniform(1, 3)));
      else
        operand();
      push_small(static_cast<std::uint64_t>(uniform(0, 4)));
      op(transient ? TSTORE : SSTORE);
    } else {
      push_small(static_cast<std::uint64_t>(uniform(0, 4)));
      op(transient ? TLOAD : SLOAD);
    }
  }

  void environment() {
    static constexpr std::array<std::uint8_t, 20> plain = {
        ADDRESS,        ORIGIN,   CALLER,      CALLVALUE, CALLDATASIZE, CODESIZE, GASPRICE,
        RETURNDATASIZE, COINBASE, TIMESTAMP,   NUMBER,    PREVRANDAO,   GASLIMIT, CHAINID,
        SELFBALANCE,    BASEFEE,  BLOBBASEFEE, MSIZE,     PC,           GAS};
    const int k = uniform(0, 9);
    if (k < 5) {
      op(pick(plain));
      return;
    }
    switch (k) {
      case 5:
        memory_number(40);
        op(CALLDATALOAD);
        break;
      case 6:
        address();
        op(BALANCE);
        break;
      case 7:
        address();
        op(chance(50) ? EXTCODESIZE : EXTCODEHASH);
        break;
      case 8:
        push_small(static_cast<std::uint64_t>(uniform(0, 300)));
        op(BLOCKHASH);
        break;
      default:
        push_small(static_cast<std::uint64_t>(uniform(0, 2)));
        op(BLOBHASH);
        break;
    }
  }

  void log() {
    const int topics = uniform(0, 4);
    for (int i = 0; i < topics; ++i) operand();
    memory_number(64);
    memory_number(96);
    op(static_cast<std::uint8_t>(LOG0 + topics));
  }

  void call() {
    static constexpr std::array<std::uint8_t, 4> kinds = {CALL, CALLCODE, DELEGATECALL, STATICCALL};
    const std::uint8_t kind = chance(40) ? std::uint8_t{CALL} : pick(kinds);
    memory_number(64);   // return length
    memory_number(96);   // return offset
    memory_number(160);  // argument length
    memory_number(64);   // argument offset
    if (kind == CALL || kind == CALLCODE) {
      const int v = uniform(0, 9);
      if (v < 7)
        push({});
      else if (v < 9)
        push_small(static_cast<std::uint64_t>(uniform(1, 1000)));
      else
        push(interesting());
    }
    address();
    const int g = uniform(0, 9);
    if (g < 3)
      op(GAS);  // a failing callee then takes 63/64 of what is left
    else if (g < 8)
      push_small(static_cast<std::uint64_t>(uniform(0, 40000)));
    else
      push(interesting());
    op(kind);
    const int after = uniform(0, 9);
    if (after < 4)
      op(POP);
    else if (after < 6)
      op(RETURNDATASIZE);
    else if (after < 8)
      returndata_copy();
  }

  // Mostly all of the return data (always in range), sometimes any part (often past the end).
  void returndata_copy() {
    if (chance(70)) {
      op(RETURNDATASIZE);
      push({});
    } else {
      memory_number(40);
      memory_number(40);
    }
    memory_number(96);
    op(RETURNDATACOPY);
  }

  // Init codes of at most 32 bytes, put in memory by one PUSH32 and MSTORE at offset 0.
  Bytes init_code() {
    switch (uniform(0, 8)) {
      case 0:
      case 1: {  // deploys a random 4-byte runtime: RETURN(28, 4) of MSTORE(0, R)
        Bytes b = {0x63};
        const Bytes runtime = random_bytes(4);
        b.insert(b.end(), runtime.begin(), runtime.end());
        for (std::uint8_t x : {0x5f, 0x52, 0x60, 0x04, 0x60, 0x1c, 0xf3}) b.push_back(x);
        return b;
      }
      case 2:
        return {0x60, 0x2a, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xfd};  // REVERT(0, 32) of 42
      case 3:
        return {0x60, 0xef, 0x5f, 0x53, 0x60, 0x01, 0x5f, 0xf3};  // deploys 0xef (EIP-3541)
      case 4:
        return {0x60, 0x07, 0x60, 0x01, 0x55, 0x00};  // SSTORE(1, 7), deploys nothing
      case 5:
        return {0x5b, 0x5f, 0x56};  // loops until out of gas
      case 6:
        return {0x33, 0xff};  // SELFDESTRUCT to the creator
      case 7:
        return {0x61, 0x60, 0x01, 0x5f, 0xf3};  // RETURN(0, 24577): code too large
      default:
        return random_bytes(uniform(0, 12));
    }
  }

  void create() {
    Bytes init = init_code();
    const auto size = init.size();
    init.resize(32, 0);
    op(PUSH32);
    code_.insert(code_.end(), init.begin(), init.end());
    push({});
    op(MSTORE);
    const bool create2 = chance(50);
    if (create2) push_small(static_cast<std::uint64_t>(uniform(0, 1)));  // salt: repeats collide
    push_small(size);
    push({});
    push(chance(80) ? Bytes{} : Bytes{static_cast<std::uint8_t>(uniform(1, 255))});
    op(create2 ? CREATE2 : CREATE);
    if (chance(50)) op(EXTCODESIZE);
  }

  void control() {
    const int k = uniform(0, 9);
    if (k < 7) {  // a jump, patched later to a JUMPDEST (mostly)
      if (k >= 3) {
        const int c = uniform(0, 4);
        if (c == 0)
          op(CALLVALUE);
        else if (c == 1)
          op(CALLDATASIZE);
        else if (c == 2) {
          push_small(static_cast<std::uint64_t>(uniform(0, 4)));
          op(SLOAD);
        } else
          push_small(static_cast<std::uint64_t>(uniform(0, 1)));
      }
      op(PUSH1 + 1);
      patches_.push_back(code_.size());
      code_.push_back(0);
      code_.push_back(0);
      op(k >= 3 ? JUMPI : JUMP);
    } else {  // a counted loop: n; JUMPDEST; 1 SWAP1 SUB DUP1 PUSH2 back JUMPI POP
      push_small(static_cast<std::uint64_t>(uniform(1, 40)));
      const std::size_t back = code_.size();
      op(JUMPDEST);
      push_small(1);
      op(SWAP1);
      op(SUB);
      op(DUP1);
      op(PUSH1 + 1);
      code_.push_back(static_cast<std::uint8_t>(back >> 8));
      code_.push_back(static_cast<std::uint8_t>(back));
      op(JUMPI);
      op(POP);
    }
  }

  // DUP and SWAP within the items the straight line has pushed (raw() underflows on purpose).
  void stack() {
    const int k = uniform(0, 9);
    if (k < 4 && height_ >= 1)
      op(static_cast<std::uint8_t>(DUP1 + uniform(0, std::min(height_, 16) - 1)));
    else if (k < 7 && height_ >= 2)
      op(static_cast<std::uint8_t>(SWAP1 + uniform(0, std::min(height_ - 1, 16) - 1)));
    else if (k < 9 && height_ > 0)
      op(POP);
    else
      push(random_bytes(uniform(1, 32)));
  }

  void raw() {
    if (chance(70)) {
      int o;
      do o = uniform(0, 255);
      while (cancun_instructions[o].name == nullptr || cancun_instructions[o].immediate > 0);
      op(static_cast<std::uint8_t>(o));
    } else {
      code_.push_back(static_cast<std::uint8_t>(uniform(0, 255)));
    }
  }

  void end() {
    switch (uniform(0, 9)) {
      case 0:
      case 1:
        op(STOP);
        break;
      case 2:
      case 3:
      case 4:
        memory_number(64);
        memory_number(64);
        op(RETURN);
        break;
      case 5:
      case 6:
        memory_number(64);
        memory_number(64);
        op(REVERT);
        break;
      case 7:
        op(INVALID);
        break;
      case 8:
        address();
        op(SELFDESTRUCT);
        break;
      default:
        break;  // runs off the end: STOP
    }
  }

  // MODEXP input: the three lengths, then base, exponent and modulus, in memory at 0.
  void modexp_input() {
    for (int word = 0; word < 3; ++word) {
      push_small(static_cast<std::uint64_t>(uniform(0, word == 1 ? 3 : 40)));
      push_small(static_cast<std::uint64_t>(32 * word));
      op(MSTORE);
    }
    push(random_bytes(32));
    push_small(96);
    op(MSTORE);
  }

  void patch_jumps() {
    for (std::size_t at : patches_) {
      std::size_t target;
      const int k = uniform(0, 9);
      std::vector<std::size_t> ahead;  // forward jumps end; backward ones mostly loop
      for (std::size_t d : jumpdests_)
        if (d > at) ahead.push_back(d);
      const auto& choices = !ahead.empty() && uniform(0, 9) < 8 ? ahead : jumpdests_;
      if (!choices.empty() && k < 8)
        target =
            choices[static_cast<std::size_t>(uniform(0, static_cast<int>(choices.size()) - 1))];
      else if (k == 8)
        target = at + 1;  // inside push data
      else
        target = static_cast<std::size_t>(uniform(0, static_cast<int>(code_.size())));
      code_[at] = static_cast<std::uint8_t>(target >> 8);
      code_[at + 1] = static_cast<std::uint8_t>(target);
    }
  }

  std::mt19937_64& rng_;
  Bytes code_;
  std::vector<std::size_t> jumpdests_;
  std::vector<std::size_t> patches_;  // where a PUSH2 of a jump target is to be filled in
  int height_ = 0;
};

json storage_prestate(std::mt19937_64& rng) {
  json s = json::object();
  for (int slot = 0; slot < 5; ++slot)
    if (std::uniform_int_distribution<int>(0, 2)(rng) == 0)
      s["0x" + std::to_string(slot)] =
          "0x" + std::to_string(std::uniform_int_distribution<int>(1, 3)(rng));
  return s;
}

std::int64_t gas_budget(std::mt19937_64& rng) {
  const int k = std::uniform_int_distribution<int>(0, 99)(rng);
  if (k < 12) return std::uniform_int_distribution<int>(1000, 30000)(rng);
  if (k < 60) return 100000;
  if (k < 90) return 300000;
  return 1000000;
}

json one_call(std::mt19937_64& rng, const std::string& to) {
  std::uniform_int_distribution<int> pct(0, 99);
  json c;
  if (!to.empty()) c["to"] = to;
  Bytes input(static_cast<std::size_t>(std::uniform_int_distribution<int>(0, 100)(rng)));
  for (auto& b : input) b = static_cast<std::uint8_t>(rng());
  c["input"] = hex0x(input);
  c["gas"] = gas_budget(rng);
  const int who = pct(rng);
  c["caller"] = hex0x(who < 70 ? kCaller : who < 85 ? Bytes(20, 0) : contract_address(kOthers[0]));
  c["value"] =
      pct(rng) < 70 ? "0" : std::to_string(std::uniform_int_distribution<int>(1, 5000)(rng));
  return c;
}

}  // namespace

json generate_program_case(std::uint64_t seed, std::uint64_t index) {
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                    static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32)};
  std::mt19937_64 rng(seq);
  std::uniform_int_distribution<int> pct(0, 99);
  json line;
  line["code"] = hex0x(ProgramWriter(rng).write(std::uniform_int_distribution<int>(6, 40)(rng)));
  json contracts = json::array();
  for (std::uint8_t last : kOthers) {
    json c = {
        {"address", hex0x(contract_address(last))},
        {"code", hex0x(ProgramWriter(rng).write(std::uniform_int_distribution<int>(2, 16)(rng)))},
        {"balance", "1000000000000000000"}};
    if (pct(rng) < 30) c["storage"] = storage_prestate(rng);
    contracts.push_back(c);
  }
  contracts.push_back({{"address", hex0x(kAccountWithoutCode)}, {"balance", "7"}});
  line["contracts"] = contracts;
  if (pct(rng) < 20) {  // a sequence of calls on one state
    json calls = json::array();
    const int n = std::uniform_int_distribution<int>(2, 3)(rng);
    for (int i = 0; i < n; ++i)
      calls.push_back(one_call(rng, hex0x(contract_address(pct(rng) < 80 ? kEntry : kOthers[1]))));
    line["calls"] = calls;
  } else {
    const json c = one_call(rng, "");
    for (const auto& [k, v] : c.items()) line[k] = v;
  }
  return line;
}

std::string disassemble(ByteView code) {
  std::ostringstream out;
  for (std::size_t pc = 0; pc < code.size();) {
    const auto& t = cancun_instructions[code[pc]];
    char at[24];
    std::snprintf(at, sizeof at, "%04zx ", pc);
    out << at;
    if (t.name == nullptr)
      out << "0x" << to_hex(code.subspan(pc, 1)) << " (undefined)";
    else
      out << t.name;
    if (t.immediate > 0) {
      const std::size_t n =
          std::min<std::size_t>(static_cast<std::size_t>(t.immediate), code.size() - pc - 1);
      out << " 0x" << to_hex(code.subspan(pc + 1, n));
    }
    out << '\n';
    pc += 1 + static_cast<std::size_t>(t.immediate > 0 ? t.immediate : 0);
  }
  return out.str();
}

Bytes assemble(const std::string& text) {
  Bytes code;
  std::istringstream in(text);
  std::string word;
  while (in >> word) {
    int found = -1;
    for (int o = 0; o < 256; ++o)
      if (cancun_instructions[o].name != nullptr && word == cancun_instructions[o].name) found = o;
    if (word == "PUSH") {  // the smallest push of the next hex token
      in >> word;
      Bytes v = *from_hex(word.substr(2));
      std::size_t skip = 0;
      while (skip < v.size() && v[skip] == 0) ++skip;
      v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(skip));
      if (v.empty()) {
        code.push_back(PUSH0);
      } else {
        code.push_back(static_cast<std::uint8_t>(PUSH1 + v.size() - 1));
        code.insert(code.end(), v.begin(), v.end());
      }
    } else if (found >= 0) {
      code.push_back(static_cast<std::uint8_t>(found));
      if (cancun_instructions[found].immediate > 0) {
        in >> word;
        Bytes v = *from_hex(word.substr(2));
        const auto n = static_cast<std::size_t>(cancun_instructions[found].immediate);
        Bytes padded(n - std::min(n, v.size()), 0);
        padded.insert(padded.end(), v.begin(), v.end());
        code.insert(code.end(), padded.begin(), padded.end());
      }
    } else {  // raw bytes
      Bytes v = *from_hex(word.starts_with("0x") ? word.substr(2) : word);
      code.insert(code.end(), v.begin(), v.end());
    }
  }
  return code;
}

}  // namespace pv::evm::testing
