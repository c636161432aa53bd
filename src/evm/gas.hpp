#pragma once
// The Cancun gas schedule's dynamic costs (base costs are in opcodes.hpp). Each constant names
// the EIP or yellow-paper term it comes from.

#include <cstdint>

namespace pv::evm::gas {

inline constexpr std::int64_t memory_word = 3;             // G_memory
inline constexpr std::int64_t memory_quad_divisor = 512;   // words^2 / 512
inline constexpr std::int64_t copy_word = 3;               // G_copy
inline constexpr std::int64_t keccak_word = 6;             // G_keccak256word
inline constexpr std::int64_t exp_byte = 50;               // EIP-160
inline constexpr std::int64_t log_topic = 375;
inline constexpr std::int64_t log_data_byte = 8;

// EIP-2929 access lists.
inline constexpr std::int64_t warm_read = 100;
inline constexpr std::int64_t cold_account = 2600;
inline constexpr std::int64_t cold_sload = 2100;
inline constexpr std::int64_t cold_account_extra = cold_account - warm_read;  // table has warm
inline constexpr std::int64_t cold_sload_extra = cold_sload - warm_read;

// SSTORE: EIP-2200 with EIP-2929 and EIP-3529.
inline constexpr std::int64_t sstore_set = 20000;
inline constexpr std::int64_t sstore_reset = 5000 - cold_sload;  // 2900
inline constexpr std::int64_t sstore_clears_refund = 4800;        // EIP-3529
inline constexpr std::int64_t sstore_sentry = 2300;               // EIP-2200: fail at or below

// Calls (EIP-150 and the yellow paper).
inline constexpr std::int64_t call_value = 9000;
inline constexpr std::int64_t call_stipend = 2300;
inline constexpr std::int64_t new_account = 25000;
inline constexpr int max_call_depth = 1024;

// Creation.
inline constexpr std::int64_t initcode_word = 2;       // EIP-3860
inline constexpr std::size_t max_initcode_size = 49152;
inline constexpr std::size_t max_code_size = 24576;   // EIP-170
inline constexpr std::int64_t code_deposit_byte = 200;
inline constexpr std::int64_t selfdestruct_new_account = 25000;

// Refunds are capped at gas used / 5 (EIP-3529).
inline constexpr std::int64_t max_refund_quotient = 5;

// Transactions (used by the state-test harness and later by the ledger).
inline constexpr std::int64_t tx_base = 21000;
inline constexpr std::int64_t tx_create = 32000;
inline constexpr std::int64_t tx_data_zero = 4;
inline constexpr std::int64_t tx_data_nonzero = 16;
inline constexpr std::int64_t tx_access_list_address = 2400;
inline constexpr std::int64_t tx_access_list_storage_key = 1900;

}  // namespace pv::evm::gas
