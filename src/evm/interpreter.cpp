// The interpreter loop: for each instruction, the table's checks (defined, stack, base gas),
// then the instruction itself. Arithmetic and environment instructions are a line or two each
// here; those that touch accounts or frames are in instructions_state.cpp.

#include "evm/frame.hpp"
#include "evm/opcodes.hpp"

namespace pv::evm {

std::shared_ptr<const JumpdestMap> analyze_jumpdests(ByteView code) {
  auto ok = std::make_shared<JumpdestMap>(code.size(), 0);
  for (std::size_t i = 0; i < code.size(); ++i) {
    const std::uint8_t op = code[i];
    if (op == JUMPDEST)
      (*ok)[i] = 1;
    else if (op >= PUSH1 && op <= PUSH32)
      i += op - PUSH1 + 1;
  }
  return ok;
}

namespace {

bool jump_target(const JumpdestMap& jumpdests, const uint256& dest, std::size_t& pc) {
  if (!dest.fits_u64() || dest.w[0] >= jumpdests.size() || !jumpdests[dest.w[0]]) return false;
  pc = dest.w[0];
  return true;
}

uint256 block_hash(const Vm& vm, const uint256& n) {
  const std::uint64_t current = vm.block().number;
  if (!n.fits_u64() || n.w[0] >= current || current - n.w[0] > 256 || !vm.block().block_hash)
    return uint256{0};
  return to_word(vm.block().block_hash(n.w[0]));
}

Status copy_to_memory(Frame& f, ByteView src) {
  const uint256 mem = f.pop(), offset = f.pop(), size = f.pop();
  if (!grow_memory(f, mem, size)) return Status::out_of_gas;
  f.gas -= gas::copy_word * words_of(size.w[0]);
  if (f.gas < 0) return Status::out_of_gas;
  if (!size.is_zero()) copy_padded(f.memory.data() + mem.w[0], src, offset, size.w[0]);
  return Status::success;
}

Status returndatacopy(Frame& f) {
  const uint256 mem = f.pop(), offset = f.pop(), size = f.pop();
  if (!grow_memory(f, mem, size)) return Status::out_of_gas;
  // Reading past the end of the return data is an error, not zero padding (EIP-211).
  const uint256 end = offset + size;
  if (!offset.fits_u64() || !end.fits_u64() || end < offset || end.w[0] > f.return_data.size())
    return Status::invalid_memory_access;
  f.gas -= gas::copy_word * words_of(size.w[0]);
  if (f.gas < 0) return Status::out_of_gas;
  if (!size.is_zero())
    std::memcpy(f.memory.data() + mem.w[0], f.return_data.data() + offset.w[0], size.w[0]);
  return Status::success;
}

Status mcopy(Frame& f) {
  const uint256 dst = f.pop(), src = f.pop(), size = f.pop();
  // EIP-5656: memory grows to cover both regions.
  if (!grow_memory(f, src, size) || !grow_memory(f, dst, size)) return Status::out_of_gas;
  f.gas -= gas::copy_word * words_of(size.w[0]);
  if (f.gas < 0) return Status::out_of_gas;
  if (!size.is_zero())
    std::memmove(f.memory.data() + dst.w[0], f.memory.data() + src.w[0], size.w[0]);
  return Status::success;
}

Status keccak(Frame& f) {
  const uint256 offset = f.pop(), size = f.top();
  if (!grow_memory(f, offset, size)) return Status::out_of_gas;
  f.gas -= gas::keccak_word * words_of(size.w[0]);
  if (f.gas < 0) return Status::out_of_gas;
  f.top() = size.is_zero() ? to_word(keccak256({}))
                           : to_word(keccak256({f.memory.data() + offset.w[0], size.w[0]}));
  return Status::success;
}

Status exp_op(Frame& f) {
  const uint256 base = f.pop(), exponent = f.top();
  f.gas -= gas::exp_byte * byte_length(exponent);
  if (f.gas < 0) return Status::out_of_gas;
  f.top() = exp(base, exponent);
  return Status::success;
}

Status mload(Frame& f) {
  const uint256 offset = f.top();
  if (!grow_memory(f, offset, uint256{32})) return Status::out_of_gas;
  f.top() = load_be32(f.memory.data() + offset.w[0]);
  return Status::success;
}

Status mstore(Frame& f) {
  const uint256 offset = f.pop(), value = f.pop();
  if (!grow_memory(f, offset, uint256{32})) return Status::out_of_gas;
  store_be32(f.memory.data() + offset.w[0], value);
  return Status::success;
}

Status mstore8(Frame& f) {
  const uint256 offset = f.pop(), value = f.pop();
  if (!grow_memory(f, offset, uint256{1})) return Status::out_of_gas;
  f.memory[offset.w[0]] = static_cast<std::uint8_t>(value.w[0]);
  return Status::success;
}

Status tstore(Frame& f) {
  if (f.msg.is_static) return Status::static_mode_violation;
  const uint256 key = f.pop(), value = f.pop();
  f.state.tstore(f.self(), key, value);
  return Status::success;
}

// RETURN and REVERT: the frame's output from memory.
Status finish(Frame& f) {
  const uint256 offset = f.pop(), size = f.pop();
  if (!grow_memory(f, offset, size)) return Status::out_of_gas;
  if (!size.is_zero())
    f.output.assign(f.memory.begin() + static_cast<std::ptrdiff_t>(offset.w[0]),
                    f.memory.begin() + static_cast<std::ptrdiff_t>(offset.w[0] + size.w[0]));
  return Status::success;
}

Status run(Frame& f) {
  const InstructionTable& table = cancun_instructions;
  // The code's analysis when its account carries one (computed once per code), else its own.
  std::shared_ptr<const JumpdestMap> own;
  if (f.jumpdests == nullptr || f.jumpdests->size() != f.code.size()) {
    own = analyze_jumpdests(f.code);
    f.jumpdests = own.get();
  }
  const JumpdestMap& jumpdests = *f.jumpdests;
  const std::uint8_t* code = f.code.data();
  const std::size_t code_size = f.code.size();
  const Vm& vm = f.vm;
  std::size_t pc = 0;
  while (pc < code_size) {
    const std::uint8_t op = code[pc];
    const InstructionTraits& t = table[op];
    if (t.name == nullptr) return Status::invalid_instruction;
    const int size = f.size();
    if (size < t.stack_in) return Status::stack_underflow;
    if (size - t.stack_in + t.stack_out > stack_limit) return Status::stack_overflow;
    f.gas -= t.gas;
    if (f.gas < 0) return Status::out_of_gas;
    Status s = Status::success;
    switch (op) {
      case STOP: return Status::success;
      case ADD: f.top(1) = f.top() + f.top(1); f.drop(); break;
      case MUL: f.top(1) = f.top() * f.top(1); f.drop(); break;
      case SUB: f.top(1) = f.top() - f.top(1); f.drop(); break;
      case DIV: f.top(1) = udivmod(f.top(), f.top(1)).quot; f.drop(); break;
      case SDIV: f.top(1) = sdiv(f.top(), f.top(1)); f.drop(); break;
      case MOD: f.top(1) = udivmod(f.top(), f.top(1)).rem; f.drop(); break;
      case SMOD: f.top(1) = smod(f.top(), f.top(1)); f.drop(); break;
      case ADDMOD: f.top(2) = addmod(f.top(), f.top(1), f.top(2)); f.drop(2); break;
      case MULMOD: f.top(2) = mulmod(f.top(), f.top(1), f.top(2)); f.drop(2); break;
      case EXP: s = exp_op(f); break;
      case SIGNEXTEND: f.top(1) = signextend(f.top(), f.top(1)); f.drop(); break;
      case LT: f.top(1) = uint256{f.top() < f.top(1) ? 1u : 0u}; f.drop(); break;
      case GT: f.top(1) = uint256{f.top() > f.top(1) ? 1u : 0u}; f.drop(); break;
      case SLT: f.top(1) = uint256{slt(f.top(), f.top(1)) ? 1u : 0u}; f.drop(); break;
      case SGT: f.top(1) = uint256{slt(f.top(1), f.top()) ? 1u : 0u}; f.drop(); break;
      case EQ: f.top(1) = uint256{f.top() == f.top(1) ? 1u : 0u}; f.drop(); break;
      case ISZERO: f.top() = uint256{f.top().is_zero() ? 1u : 0u}; break;
      case AND: f.top(1) = f.top() & f.top(1); f.drop(); break;
      case OR: f.top(1) = f.top() | f.top(1); f.drop(); break;
      case XOR: f.top(1) = f.top() ^ f.top(1); f.drop(); break;
      case NOT: f.top() = ~f.top(); break;
      case BYTE: f.top(1) = byte_at(f.top(), f.top(1)); f.drop(); break;
      case SHL: f.top(1) = shl(f.top(1), f.top()); f.drop(); break;
      case SHR: f.top(1) = shr(f.top(1), f.top()); f.drop(); break;
      case SAR: f.top(1) = sar(f.top(1), f.top()); f.drop(); break;
      case KECCAK256: s = keccak(f); break;
      case ADDRESS: f.push(to_word(f.msg.recipient)); break;
      case BALANCE: s = op_balance(f); break;
      case ORIGIN: f.push(to_word(vm.tx().origin)); break;
      case CALLER: f.push(to_word(f.msg.sender)); break;
      case CALLVALUE: f.push(f.msg.value); break;
      case CALLDATALOAD: {
        std::uint8_t buf[32];
        copy_padded(buf, f.msg.input, f.top(), 32);
        f.top() = load_be32(buf);
        break;
      }
      case CALLDATASIZE: f.push(uint256{f.msg.input.size()}); break;
      case CALLDATACOPY: s = copy_to_memory(f, f.msg.input); break;
      case CODESIZE: f.push(uint256{code_size}); break;
      case CODECOPY: s = copy_to_memory(f, f.code); break;
      case GASPRICE: f.push(vm.tx().gas_price); break;
      case EXTCODESIZE: s = op_extcodesize(f); break;
      case EXTCODECOPY: s = op_extcodecopy(f); break;
      case RETURNDATASIZE: f.push(uint256{f.return_data.size()}); break;
      case RETURNDATACOPY: s = returndatacopy(f); break;
      case EXTCODEHASH: s = op_extcodehash(f); break;
      case BLOCKHASH: f.top() = block_hash(vm, f.top()); break;
      case COINBASE: f.push(to_word(vm.block().coinbase)); break;
      case TIMESTAMP: f.push(uint256{vm.block().timestamp}); break;
      case NUMBER: f.push(uint256{vm.block().number}); break;
      case PREVRANDAO: f.push(vm.block().prev_randao); break;
      case GASLIMIT: f.push(uint256{vm.block().gas_limit}); break;
      case CHAINID: f.push(vm.block().chain_id); break;
      case SELFBALANCE: f.push(f.self().balance); break;
      case BASEFEE: f.push(vm.block().base_fee); break;
      case BLOBHASH: {
        const auto& hashes = vm.tx().blob_hashes;
        const uint256 i = f.top();
        f.top() = i.fits_u64() && i.w[0] < hashes.size() ? to_word(hashes[i.w[0]]) : uint256{0};
        break;
      }
      case BLOBBASEFEE: f.push(vm.block().blob_base_fee); break;
      case POP: f.drop(); break;
      case MLOAD: s = mload(f); break;
      case MSTORE: s = mstore(f); break;
      case MSTORE8: s = mstore8(f); break;
      case SLOAD: s = op_sload(f); break;
      case SSTORE: s = op_sstore(f); break;
      case JUMP:
        if (!jump_target(jumpdests, f.pop(), pc)) return Status::bad_jump_destination;
        continue;
      case JUMPI: {
        const uint256 dest = f.pop(), cond = f.pop();
        if (!cond.is_zero()) {
          if (!jump_target(jumpdests, dest, pc)) return Status::bad_jump_destination;
          continue;
        }
        break;
      }
      case PC: f.push(uint256{pc}); break;
      case MSIZE: f.push(uint256{f.memory.size()}); break;
      case GAS: f.push(uint256{static_cast<std::uint64_t>(f.gas)}); break;
      case JUMPDEST: break;
      case TLOAD: f.top() = State::tload(f.self(), f.top()); break;
      case TSTORE: s = tstore(f); break;
      case MCOPY: s = mcopy(f); break;
      case PUSH0: f.push(uint256{0}); break;
      case CREATE: s = op_create(f, CallKind::create); break;
      case CALL: s = op_call(f, CallKind::call); break;
      case CALLCODE: s = op_call(f, CallKind::callcode); break;
      case RETURN: return finish(f);
      case DELEGATECALL: s = op_call(f, CallKind::delegatecall); break;
      case CREATE2: s = op_create(f, CallKind::create2); break;
      case STATICCALL: s = op_call(f, CallKind::staticcall); break;
      case REVERT: s = finish(f); return s == Status::success ? Status::revert : s;
      case INVALID: return Status::invalid_instruction;
      case SELFDESTRUCT: return op_selfdestruct(f);
      default:
        if (op >= PUSH1 && op <= PUSH32) {
          const std::size_t n = op - PUSH1 + 1;
          if (n <= 8 && pc + n < code_size) {  // the common short pushes, whole
            std::uint64_t v = 0;
            for (std::size_t i = 1; i <= n; ++i) v = (v << 8) | code[pc + i];
            f.push(uint256{v});
            pc += n + 1;
            continue;
          }
          const std::size_t avail = std::min(n, code_size - pc - 1);
          // Push data cut off by the end of the code reads as zero bytes on the right.
          std::uint8_t buf[32] = {};
          std::memcpy(buf + (32 - n), code + pc + 1, avail);
          f.push(load_be32(buf));
          pc += n + 1;
          continue;
        } else if (op >= DUP1 && op <= DUP16) {
          f.push(f.top(op - DUP1));
        } else if (op >= SWAP1 && op <= SWAP16) {
          std::swap(f.top(), f.top(op - SWAP1 + 1));
        } else if (op >= LOG0 && op <= LOG4) {
          s = op_log(f, op - LOG0);
        }
        break;
    }
    if (s != Status::success) return s;
    ++pc;
  }
  return Status::success;
}

}  // namespace

CallResult interpret(Vm& vm, const Message& msg, ByteView code, const JumpdestMap* jumpdests) {
  Frame f(vm, msg, code);
  f.jumpdests = jumpdests;
  const Status s = run(f);
  CallResult r;
  r.status = s;
  r.gas_left = (s == Status::success || s == Status::revert) ? f.gas : 0;
  if (s == Status::success || s == Status::revert) r.output = std::move(f.output);
  return r;
}

}  // namespace pv::evm
