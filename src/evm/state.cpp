#include "evm/state.hpp"

namespace pv::evm {

void State::insert(const Address& address, Account account) {
  account.exists = true;
  account.fresh_storage = true;
  accounts_[address] = std::move(account);
}

Account& State::get(const Address& address) {
  auto [it, inserted] = accounts_.try_emplace(address);
  if (inserted && source_ != nullptr) {
    if (auto record = source_->account(address)) {
      Account& a = it->second;
      a.exists = true;
      a.nonce = record->nonce;
      a.balance = record->balance;
      a.code = std::move(record->code);
      if (record->jumpdests && record->jumpdests->size() == a.code.size())
        a.jumpdests = std::move(record->jumpdests);
    }
  }
  return it->second;
}

bool State::access_account(Account& account) {
  if (account.warm) return false;
  account.warm = true;
  record(Change::warm_account, &account);
  return true;
}

bool State::access_slot(StorageSlot& slot) {
  if (slot.warm) return false;
  slot.warm = true;
  record(Change::warm_slot, &slot);
  return true;
}

StorageSlot& State::slot(Account& account, const Address& address, const uint256& key) {
  auto [it, inserted] = account.storage.try_emplace(key);
  if (inserted) {
    // Loading is not a change: the slot's value was always this.
    uint256 v{0};
    if (source_ != nullptr && !account.fresh_storage && account.exists)
      v = source_->storage(address, key);
    it->second.original = v;
    it->second.current = v;
  }
  return it->second;
}

void State::set_storage(StorageSlot& slot, const uint256& value) {
  {
    Entry& e = record(Change::storage, &slot);
    e.old = slot.current;
  }
  slot.current = value;
}

uint256 State::tload(const Account& account, const uint256& key) {
  auto it = account.transient.find(key);
  return it == account.transient.end() ? uint256{0} : it->second;
}

void State::tstore(Account& account, const uint256& key, const uint256& value) {
  uint256& slot = account.transient.try_emplace(key, uint256{0}).first->second;
  record(Change::transient, &slot).old = slot;
  slot = value;
}

void State::make_exist(Account& account) {
  if (account.exists) return;
  {
    Entry& e = record(Change::exists, &account);
    e.old_flag = false;
  }
  account.exists = true;
  account.fresh_storage = true;
}

void State::touch(Account& account) {
  if (!account.touched) {
    record(Change::touched, &account);
    account.touched = true;
  }
  make_exist(account);
}

void State::add_balance(Account& account, const uint256& amount) {
  touch(account);
  {
    Entry& e = record(Change::balance, &account);
    e.old = account.balance;
  }
  account.balance = account.balance + amount;
}

void State::sub_balance(Account& account, const uint256& amount) {
  touch(account);
  {
    Entry& e = record(Change::balance, &account);
    e.old = account.balance;
  }
  account.balance = account.balance - amount;
}

void State::set_nonce(Account& account, std::uint64_t nonce) {
  make_exist(account);
  {
    Entry& e = record(Change::nonce, &account);
    e.old = uint256{account.nonce};
  }
  account.nonce = nonce;
}

void State::set_code(Account& account, Bytes code) {
  record(Change::code, &account);
  replaced_code_.push_back(std::move(account.code));
  account.code = std::move(code);
  account.jumpdests.reset();
}

void State::create_contract(Account& account) {
  record(Change::account, &account);
  replaced_accounts_.push_back(std::make_unique<Account>(std::move(account)));
  const Account& old = *replaced_accounts_.back();
  account = Account{};
  account.exists = true;
  account.fresh_storage = true;
  account.nonce = 1;
  account.balance = old.balance;
  account.warm = old.warm;
  account.touched = true;
  account.created = true;
}

void State::mark_destructed(Account& account) {
  if (account.destructed) return;
  record(Change::destructed, &account);
  account.destructed = true;
}

void State::add_refund(std::int64_t delta) {
  {
    Entry& e = record(Change::refund);
    e.old = uint256{static_cast<std::uint64_t>(refund_)};
  }
  refund_ += delta;
}

void State::add_log(Log log) {
  record(Change::log);
  logs_.push_back(std::move(log));
}

void State::revert(std::size_t snapshot) {
  while (journal_.size() > snapshot) {
    Entry& e = journal_.back();
    switch (e.kind) {
      case Change::balance: e.account()->balance = e.old; break;
      case Change::nonce: e.account()->nonce = e.old.w[0]; break;
      case Change::code:
        e.account()->code = std::move(replaced_code_.back());
        e.account()->jumpdests.reset();
        replaced_code_.pop_back();
        break;
      case Change::storage: static_cast<StorageSlot*>(e.target)->current = e.old; break;
      case Change::transient: *static_cast<uint256*>(e.target) = e.old; break;
      case Change::warm_account: e.account()->warm = false; break;
      case Change::warm_slot: static_cast<StorageSlot*>(e.target)->warm = false; break;
      case Change::touched: e.account()->touched = false; break;
      case Change::exists:
        e.account()->exists = e.old_flag;
        e.account()->fresh_storage = false;
        break;
      case Change::account:
        *e.account() = std::move(*replaced_accounts_.back());
        replaced_accounts_.pop_back();
        break;
      case Change::destructed: e.account()->destructed = false; break;
      case Change::refund: refund_ = static_cast<std::int64_t>(e.old.w[0]); break;
      case Change::log: logs_.pop_back(); break;
    }
    journal_.pop_back();
  }
}

void State::finish_transaction() {
  for (auto& [address, a] : accounts_) {
    if (a.destructed || (a.touched && a.exists && a.is_empty())) {
      a = Account{};
      a.exists = false;
      a.fresh_storage = true;  // the removed account's storage is gone, not in the source
    }
    for (auto& [key, slot] : a.storage) {
      slot.original = slot.current;
      slot.warm = false;
    }
    a.transient.clear();
    a.warm = false;
    a.touched = false;
    a.created = false;
  }
  journal_.clear();
  replaced_accounts_.clear();
  replaced_code_.clear();
  refund_ = 0;
  logs_.clear();
}

}  // namespace pv::evm
