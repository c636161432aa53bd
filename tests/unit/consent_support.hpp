#pragma once
// A ledger driven through the real executor and registry, with its committed state in memory:
// block after block, at block times the test chooses (so validity windows can be crossed without
// waiting). Plus the people of the consent tests and the client-side steps (key wrapping) they
// take.

#include <map>

#include <gtest/gtest.h>

#include "codec/did_key.hpp"
#include "identity/key_wrap.hpp"
#include "identity/record_commitment.hpp"
#include "ledger/consent_contract.hpp"
#include "ledger/consent_evm.hpp"
#include "ledger/consent_state.hpp"
#include "ledger/executor.hpp"
#include "ledger/genesis.hpp"

namespace pv::testing {

class MemoryState : public StateView {
 public:
  std::optional<Bytes> get(const std::string& key) const override {
    auto it = values_.find(key);
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }
  void apply(const std::vector<StateChange>& changes) {
    for (const auto& c : changes) {
      if (c.value)
        values_[c.key] = *c.value;
      else
        values_.erase(c.key);
    }
  }

 private:
  std::map<std::string, Bytes> values_;
};

// Someone with a did:key who signs transactions.
struct Person {
  SigningKey key = SigningKey::generate();
  std::string did = did_key_from_public_key(key.public_key());
  std::uint64_t nonce = 0;
};

class TestLedger {
 public:
  explicit TestLedger(const Genesis& genesis)
      : network_(genesis_network_id(genesis)), time_ms_(genesis.time_ms) {
    state_.apply(genesis_state_changes(genesis));
  }

  const NetworkId& network() const { return network_; }
  const StateView& state() const { return state_; }
  std::uint64_t height() const { return height_; }
  std::uint64_t time_ms() const { return time_ms_; }
  // Moves the clock for the next block.
  void advance(std::uint64_t ms) { time_ms_ += ms; }

  // A signed transaction from `who` (next nonce), created at the current block time.
  Bytes sign(Person& who, TxType type, Bytes payload, std::string signer = "") {
    Transaction tx;
    tx.type = type;
    tx.signer = signer.empty() ? who.did : signer;
    tx.nonce = ++who.nonce;
    tx.created_ms = time_ms_;
    tx.payload = std::move(payload);
    sign_transaction_with(tx, who.key);
    return encode_transaction(tx);
  }
  void sign_transaction_with(Transaction& tx, const SigningKey& key) {
    tx.signature = key.sign(signing_message(network_, tx));
  }

  // Executes one block; returns the verdicts.
  std::vector<TxResult> block(const std::vector<Bytes>& txs) {
    ++height_;
    time_ms_ += 1000;
    ExecutionInput in{network_, height_, time_ms_, txs};
    BlockExecution ex = execute_block(builtin_tx_registry(), state_, in);
    state_.apply(ex.changes);
    return ex.results;
  }
  // One transaction in its own block: "valid" or "<code>: <reason>".
  std::string commit(const Bytes& tx) {
    auto r = block({tx})[0];
    return r.code == TxCode::valid ? "valid" : std::string(tx_code_name(r.code)) + ": " + r.reason;
  }

 private:
  MemoryState state_;
  NetworkId network_;
  std::uint64_t height_ = 0;
  std::uint64_t time_ms_ = 0;
};

// The native rules, checked on every decision against the consent contract on the EVM: the
// same request on the same state must get the same decision, word for word (docs/evm.md,
// "The native rules as the reference"). Answers with the native decision.
class CheckedConsentContract final : public ConsentContract {
 public:
  AccessDecision decide(const StateView& state, const AccessRequest& request) const override {
    AccessDecision native = native_.decide(state, request);
    AccessDecision evm = evm_.decide(state, request);
    EXPECT_EQ(native.permitted, evm.permitted) << evm.reason;
    EXPECT_EQ(native.basis, evm.basis);
    EXPECT_EQ(native.consent, evm.consent);
    EXPECT_EQ(native.organization, evm.organization);
    EXPECT_EQ(native.reason, evm.reason);
    EXPECT_FALSE(evm.code_hash.is_zero());
    ++decisions_;
    return native;
  }
  std::size_t decisions() const { return decisions_; }

 private:
  LedgerConsentContract native_;
  EvmConsentContract evm_;
  mutable std::size_t decisions_ = 0;
};

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace pv::testing
