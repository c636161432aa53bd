#pragma once
// The consent contract version in force (docs/evm.md, "The consent contract" and
// "Governance"): where it lives, the keccak256 of its runtime code, the gas cap of every call,
// and how it got there. Genesis deploys the version the build compiled; a contract-version
// proposal approved by a majority of organizations replaces the code at the same address,
// keeping its storage.
//
// State key "contract/consent": u8 format (1), 20-byte address, 32-byte code hash, u64 gas cap,
// u32 version (1 at genesis), u64 height it took force, 32-byte SHA-256 of its Solidity source
// (zero when built into the node), var compiler ("0.8.28+commit.7893614a...").

#include <string>
#include <vector>

#include "evm/types.hpp"
#include "ledger/state.hpp"

namespace pv {

// Gas of one call to the consent contract, a transaction's or a decision's. Decisions loop over
// the consents between one patient and one grantee; this cap covers thousands of them.
inline constexpr std::uint64_t kConsentContractGasCap = 10'000'000;

// 0x000000000000000000000000000000000000c045: where genesis deploys the consent contract.
evm::Address consent_contract_address();
// 0x0000000000000000000000000000000000007076: msg.sender of the ledger's own calls (membership).
evm::Address ledger_caller_address();

struct ContractVersion {
  evm::Address address;
  evm::Bytes32 code_hash;
  std::uint64_t gas_cap = kConsentContractGasCap;
  std::uint32_t version = 1;
  std::uint64_t height = 0;
  Hash32 source_hash;
  std::string compiler;
  friend bool operator==(const ContractVersion&, const ContractVersion&) = default;
};

std::string contract_version_state_key();
Bytes encode_contract_version(const ContractVersion& v);
[[nodiscard]] Result<ContractVersion> decode_contract_version(ByteView b);
// Errc::not_found on a ledger without one (none can exist since genesis deploys it).
[[nodiscard]] Result<ContractVersion> load_contract_version(const StateView& state);

// Runs `init_code` at `address` as the ledger (msg.sender ledger_caller_address()) on `state`
// and installs the code it returns there, keeping the account's storage (a new address starts
// empty). Returns the runtime code's keccak256, or why the init code failed (an evm status or
// an invalid runtime), changing nothing.
[[nodiscard]] Result<evm::Bytes32> install_contract_code(StateOverlay& state,
                                                         const evm::Address& address,
                                                         ByteView init_code, std::uint64_t gas_cap,
                                                         std::uint64_t height,
                                                         std::uint64_t time_ms);

// Every code hash that has been in force, so an access event can be checked against the
// versions of its time: "contract/code-in-force/<code hash hex>" -> the version record then.
std::string contract_code_in_force_state_key(const evm::Bytes32& code_hash);
[[nodiscard]] bool code_hash_was_in_force(const StateView& state, const evm::Bytes32& code_hash);

struct ContractProposal;
// An approved contract-version proposal takes force: its init code runs at the current
// contract's address (storage kept) and the version record moves on (version + 1, this height,
// the source's SHA-256, the compiler). An init code that fails, or a runtime the EVM refuses
// (empty, too large, 0xEF), refuses the change with the reason.
[[nodiscard]] Status adopt_contract_version(StateOverlay& state, const ContractProposal& proposal,
                                            std::uint64_t height, std::uint64_t time_ms);

// The state genesis writes for the built-in consent contract: its deployment, its version
// record, and membership of each organization in `members`.
std::vector<StateChange> consent_contract_genesis_changes(const std::vector<std::string>& members,
                                                          std::uint64_t time_ms);

}  // namespace pv
