#pragma once
// EVM accounts in the ledger state (docs/evm.md, "The consent contract"): the contracts' code
// and storage are ordinary state entries, so the state digest covers them and every node holds
// them in its RocksDB state like any other entry.
//
// State keys (addresses and hashes in lower-case hex):
//   "evm/acct/<address>"           u64 nonce, 32-byte balance, 32-byte keccak256 of the code
//                                  (all zero for no code)
//   "evm/code/<code keccak256>"    the code
//   "evm/slot/<address>/<key, 64 hex digits>"  the 32-byte value; absent means zero
//
// A person's or organization's identity becomes an address the same way everywhere:
//   address = keccak256("pv-identity-v1:" || DID)[12:]
// with the DID without key fragment (nonce_owner in ledger/signer.hpp), so msg.sender of a
// transaction's call is derived from the identity that signed it, never from ecrecover.

#include <string_view>

#include "evm/state.hpp"
#include "ledger/state.hpp"

namespace pv {

std::string evm_account_state_key(const evm::Address& address);
std::string evm_code_state_key(const evm::Bytes32& code_hash);
std::string evm_slot_state_key(const evm::Address& address, const evm::uint256& key);

[[nodiscard]] evm::Address identity_address(std::string_view did);

// Accounts read from ledger state, for an evm::State. Code is shared by hash across instances
// (immutable once written), so a decision does not copy the contract out of RocksDB each time.
// A stored account that does not decode reads as absent and sets corrupt().
class LedgerEvmSource final : public evm::StateSource {
 public:
  explicit LedgerEvmSource(const StateView& state) : state_(state) {}
  std::optional<AccountRecord> account(const evm::Address& address) const override;
  evm::uint256 storage(const evm::Address& address, const evm::uint256& key) const override;
  bool corrupt() const { return corrupt_; }

 private:
  const StateView& state_;
  mutable bool corrupt_ = false;
};

// Writes into `out` what `state` changed against `before` (its source): accounts, code and the
// storage slots whose value differs from the start of the transaction. Call it after a
// successful top-level call and before State::finish_transaction().
void write_evm_changes(const evm::State& state, const StateView& before, StateOverlay& out);

}  // namespace pv
