#pragma once
// The Cancun instruction set as data: for each opcode its name, base gas (charged before the
// instruction runs; dynamic costs are charged by the instruction), the stack items it takes and
// pushes, and the bytes of immediate data it reads. An undefined opcode has no name.
// A fork is a table: diffing two tables shows what a fork changed.

#include <array>
#include <cstdint>

namespace pv::evm {

enum Opcode : std::uint8_t {
  STOP = 0x00, ADD, MUL, SUB, DIV, SDIV, MOD, SMOD, ADDMOD, MULMOD, EXP, SIGNEXTEND,
  LT = 0x10, GT, SLT, SGT, EQ, ISZERO, AND, OR, XOR, NOT, BYTE, SHL, SHR, SAR,
  KECCAK256 = 0x20,
  ADDRESS = 0x30, BALANCE, ORIGIN, CALLER, CALLVALUE, CALLDATALOAD, CALLDATASIZE, CALLDATACOPY,
  CODESIZE, CODECOPY, GASPRICE, EXTCODESIZE, EXTCODECOPY, RETURNDATASIZE, RETURNDATACOPY,
  EXTCODEHASH,
  BLOCKHASH = 0x40, COINBASE, TIMESTAMP, NUMBER, PREVRANDAO, GASLIMIT, CHAINID, SELFBALANCE,
  BASEFEE, BLOBHASH, BLOBBASEFEE,
  POP = 0x50, MLOAD, MSTORE, MSTORE8, SLOAD, SSTORE, JUMP, JUMPI, PC, MSIZE, GAS, JUMPDEST,
  TLOAD, TSTORE, MCOPY, PUSH0,
  PUSH1 = 0x60, PUSH32 = 0x7f, DUP1 = 0x80, DUP16 = 0x8f, SWAP1 = 0x90, SWAP16 = 0x9f,
  LOG0 = 0xa0, LOG4 = 0xa4,
  CREATE = 0xf0, CALL, CALLCODE, RETURN, DELEGATECALL, CREATE2,
  STATICCALL = 0xfa, REVERT = 0xfd, INVALID = 0xfe, SELFDESTRUCT = 0xff,
};

struct InstructionTraits {
  const char* name = nullptr;  // nullptr: undefined in this fork
  std::int16_t gas = 0;
  std::int8_t stack_in = 0;
  std::int8_t stack_out = 0;
  std::int8_t immediate = 0;
};

using InstructionTable = std::array<InstructionTraits, 256>;

namespace detail {
constexpr InstructionTable make_cancun_table() {
  InstructionTable t{};
  auto set = [&t](int op, const char* name, int gas, int in, int out) {
    t[op] = {name, static_cast<std::int16_t>(gas), static_cast<std::int8_t>(in),
             static_cast<std::int8_t>(out), 0};
  };
  set(STOP, "STOP", 0, 0, 0);
  set(ADD, "ADD", 3, 2, 1);
  set(MUL, "MUL", 5, 2, 1);
  set(SUB, "SUB", 3, 2, 1);
  set(DIV, "DIV", 5, 2, 1);
  set(SDIV, "SDIV", 5, 2, 1);
  set(MOD, "MOD", 5, 2, 1);
  set(SMOD, "SMOD", 5, 2, 1);
  set(ADDMOD, "ADDMOD", 8, 3, 1);
  set(MULMOD, "MULMOD", 8, 3, 1);
  set(EXP, "EXP", 10, 2, 1);
  set(SIGNEXTEND, "SIGNEXTEND", 5, 2, 1);
  set(LT, "LT", 3, 2, 1);
  set(GT, "GT", 3, 2, 1);
  set(SLT, "SLT", 3, 2, 1);
  set(SGT, "SGT", 3, 2, 1);
  set(EQ, "EQ", 3, 2, 1);
  set(ISZERO, "ISZERO", 3, 1, 1);
  set(AND, "AND", 3, 2, 1);
  set(OR, "OR", 3, 2, 1);
  set(XOR, "XOR", 3, 2, 1);
  set(NOT, "NOT", 3, 1, 1);
  set(BYTE, "BYTE", 3, 2, 1);
  set(SHL, "SHL", 3, 2, 1);
  set(SHR, "SHR", 3, 2, 1);
  set(SAR, "SAR", 3, 2, 1);
  set(KECCAK256, "KECCAK256", 30, 2, 1);
  set(ADDRESS, "ADDRESS", 2, 0, 1);
  set(BALANCE, "BALANCE", 100, 1, 1);  // + 2500 when cold (EIP-2929)
  set(ORIGIN, "ORIGIN", 2, 0, 1);
  set(CALLER, "CALLER", 2, 0, 1);
  set(CALLVALUE, "CALLVALUE", 2, 0, 1);
  set(CALLDATALOAD, "CALLDATALOAD", 3, 1, 1);
  set(CALLDATASIZE, "CALLDATASIZE", 2, 0, 1);
  set(CALLDATACOPY, "CALLDATACOPY", 3, 3, 0);
  set(CODESIZE, "CODESIZE", 2, 0, 1);
  set(CODECOPY, "CODECOPY", 3, 3, 0);
  set(GASPRICE, "GASPRICE", 2, 0, 1);
  set(EXTCODESIZE, "EXTCODESIZE", 100, 1, 1);
  set(EXTCODECOPY, "EXTCODECOPY", 100, 4, 0);
  set(RETURNDATASIZE, "RETURNDATASIZE", 2, 0, 1);
  set(RETURNDATACOPY, "RETURNDATACOPY", 3, 3, 0);
  set(EXTCODEHASH, "EXTCODEHASH", 100, 1, 1);
  set(BLOCKHASH, "BLOCKHASH", 20, 1, 1);
  set(COINBASE, "COINBASE", 2, 0, 1);
  set(TIMESTAMP, "TIMESTAMP", 2, 0, 1);
  set(NUMBER, "NUMBER", 2, 0, 1);
  set(PREVRANDAO, "PREVRANDAO", 2, 0, 1);
  set(GASLIMIT, "GASLIMIT", 2, 0, 1);
  set(CHAINID, "CHAINID", 2, 0, 1);
  set(SELFBALANCE, "SELFBALANCE", 5, 0, 1);
  set(BASEFEE, "BASEFEE", 2, 0, 1);
  set(BLOBHASH, "BLOBHASH", 3, 1, 1);
  set(BLOBBASEFEE, "BLOBBASEFEE", 2, 0, 1);
  set(POP, "POP", 2, 1, 0);
  set(MLOAD, "MLOAD", 3, 1, 1);
  set(MSTORE, "MSTORE", 3, 2, 0);
  set(MSTORE8, "MSTORE8", 3, 2, 0);
  set(SLOAD, "SLOAD", 100, 1, 1);  // + 2000 when cold
  set(SSTORE, "SSTORE", 0, 2, 0);  // all dynamic (EIP-2200/2929/3529)
  set(JUMP, "JUMP", 8, 1, 0);
  set(JUMPI, "JUMPI", 10, 2, 0);
  set(PC, "PC", 2, 0, 1);
  set(MSIZE, "MSIZE", 2, 0, 1);
  set(GAS, "GAS", 2, 0, 1);
  set(JUMPDEST, "JUMPDEST", 1, 0, 0);
  set(TLOAD, "TLOAD", 100, 1, 1);
  set(TSTORE, "TSTORE", 100, 2, 0);
  set(MCOPY, "MCOPY", 3, 3, 0);
  set(PUSH0, "PUSH0", 2, 0, 1);
  constexpr const char* push_names[32] = {
      "PUSH1",  "PUSH2",  "PUSH3",  "PUSH4",  "PUSH5",  "PUSH6",  "PUSH7",  "PUSH8",
      "PUSH9",  "PUSH10", "PUSH11", "PUSH12", "PUSH13", "PUSH14", "PUSH15", "PUSH16",
      "PUSH17", "PUSH18", "PUSH19", "PUSH20", "PUSH21", "PUSH22", "PUSH23", "PUSH24",
      "PUSH25", "PUSH26", "PUSH27", "PUSH28", "PUSH29", "PUSH30", "PUSH31", "PUSH32"};
  for (int i = 0; i < 32; ++i) {
    set(PUSH1 + i, push_names[i], 3, 0, 1);
    t[PUSH1 + i].immediate = static_cast<std::int8_t>(i + 1);
  }
  constexpr const char* dup_names[16] = {"DUP1",  "DUP2",  "DUP3",  "DUP4",  "DUP5",  "DUP6",
                                         "DUP7",  "DUP8",  "DUP9",  "DUP10", "DUP11", "DUP12",
                                         "DUP13", "DUP14", "DUP15", "DUP16"};
  constexpr const char* swap_names[16] = {
      "SWAP1", "SWAP2",  "SWAP3",  "SWAP4",  "SWAP5",  "SWAP6",  "SWAP7",  "SWAP8",
      "SWAP9", "SWAP10", "SWAP11", "SWAP12", "SWAP13", "SWAP14", "SWAP15", "SWAP16"};
  for (int i = 0; i < 16; ++i) {
    set(DUP1 + i, dup_names[i], 3, i + 1, i + 2);
    set(SWAP1 + i, swap_names[i], 3, i + 2, i + 2);
  }
  constexpr const char* log_names[5] = {"LOG0", "LOG1", "LOG2", "LOG3", "LOG4"};
  for (int i = 0; i <= 4; ++i) set(LOG0 + i, log_names[i], 375 * (i + 1), i + 2, 0);
  set(CREATE, "CREATE", 32000, 3, 1);
  set(CALL, "CALL", 100, 7, 1);  // access cost: warm 100 here, + 2500 when cold
  set(CALLCODE, "CALLCODE", 100, 7, 1);
  set(RETURN, "RETURN", 0, 2, 0);
  set(DELEGATECALL, "DELEGATECALL", 100, 6, 1);
  set(CREATE2, "CREATE2", 32000, 4, 1);
  set(STATICCALL, "STATICCALL", 100, 6, 1);
  set(REVERT, "REVERT", 0, 2, 0);
  set(INVALID, "INVALID", 0, 0, 0);
  set(SELFDESTRUCT, "SELFDESTRUCT", 5000, 1, 0);
  return t;
}
}  // namespace detail

inline constexpr InstructionTable cancun_instructions = detail::make_cancun_table();

}  // namespace pv::evm
