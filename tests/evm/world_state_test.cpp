// State over a StateSource (how the ledger will plug its store in): accounts and slots are read
// on first use, changes are journaled and undone by revert, and finish_transaction applies the
// end-of-transaction rules.

#include <gtest/gtest.h>

#include <map>

#include "evm/state.hpp"

namespace pv::evm {
namespace {

class MapSource : public StateSource {
 public:
  std::map<Address, AccountRecord> accounts;
  std::map<std::pair<Address, std::array<std::uint64_t, 4>>, uint256> slots;
  mutable int storage_reads = 0;

  std::optional<AccountRecord> account(const Address& a) const override {
    auto it = accounts.find(a);
    if (it == accounts.end()) return std::nullopt;
    return it->second;
  }
  uint256 storage(const Address& a, const uint256& key) const override {
    ++storage_reads;
    auto it = slots.find({a, {key.w[0], key.w[1], key.w[2], key.w[3]}});
    return it == slots.end() ? uint256{0} : it->second;
  }
};

const Address alice = small_address(0xa1);
const Address empty = small_address(0xe0);

TEST(WorldState, LoadsLazilyAndRevertsEveryKindOfChange) {
  MapSource source;
  source.accounts[alice] = {3, uint256{100}, Bytes{0x00}, {}};
  source.slots[{alice, {5, 0, 0, 0}}] = uint256{9};
  State state(&source);
  Account& a = state.get(alice);
  ASSERT_TRUE(a.exists);
  EXPECT_EQ(a.nonce, 3u);
  EXPECT_FALSE(state.get(small_address(0x99)).exists);

  StorageSlot& slot = state.slot(a, alice, uint256{5});
  EXPECT_EQ(slot.original, uint256{9});
  EXPECT_EQ(source.storage_reads, 1);
  (void)state.slot(a, alice, uint256{5});
  EXPECT_EQ(source.storage_reads, 1);  // read once

  const std::size_t snap = state.snapshot();
  EXPECT_TRUE(state.access_account(a));
  EXPECT_TRUE(state.access_slot(slot));
  state.set_storage(slot, uint256{10});
  state.tstore(a, uint256{1}, uint256{2});
  state.add_balance(a, uint256{5});
  state.set_nonce(a, 4);
  state.add_refund(4800);
  state.add_log(Log{alice, {}, {}});
  state.set_code(a, Bytes{0x60, 0x00});
  state.revert(snap);
  EXPECT_FALSE(a.warm);
  EXPECT_FALSE(slot.warm);
  EXPECT_EQ(slot.current, uint256{9});
  EXPECT_EQ(State::tload(a, uint256{1}), uint256{0});
  EXPECT_EQ(a.balance, uint256{100});
  EXPECT_EQ(a.nonce, 3u);
  EXPECT_EQ(state.refund(), 0);
  EXPECT_TRUE(state.logs().empty());
  EXPECT_EQ(a.code, Bytes{0x00});

  state.set_storage(slot, uint256{11});
  state.finish_transaction();
  EXPECT_EQ(slot.original, uint256{11});  // the next transaction starts from here
}

TEST(WorldState, EndOfTransactionRemovesTouchedEmptyAndDestructedAccounts) {
  MapSource source;
  source.accounts[empty] = {0, uint256{0}, {}, {}};
  State state(&source);
  Account& e = state.get(empty);
  ASSERT_TRUE(e.exists);
  state.add_balance(e, uint256{0});  // a touch (EIP-161)
  Account& fresh = state.get(alice);
  state.create_contract(fresh);
  state.add_balance(fresh, uint256{7});
  state.mark_destructed(fresh);
  state.finish_transaction();
  EXPECT_FALSE(state.get(empty).exists);
  EXPECT_FALSE(state.get(alice).exists);
}

TEST(WorldState, CreationOverAnAccountIsUndoneWhole) {
  State state;
  Account pre;
  pre.balance = uint256{50};
  state.insert(alice, std::move(pre));
  Account& a = state.get(alice);
  const std::size_t snap = state.snapshot();
  state.create_contract(a);
  EXPECT_EQ(a.nonce, 1u);
  EXPECT_EQ(a.balance, uint256{50});  // a balance already there stays
  EXPECT_TRUE(a.created);
  state.revert(snap);
  EXPECT_EQ(a.nonce, 0u);
  EXPECT_FALSE(a.created);
  EXPECT_EQ(a.balance, uint256{50});
}

}  // namespace
}  // namespace pv::evm
