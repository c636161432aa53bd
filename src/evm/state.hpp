#pragma once
// The world state one transaction runs against, with everything the EVM must be able to undo.
// Accounts come from a StateSource on first use and stay in memory for the transaction. Every
// change is recorded in one journal: snapshot() marks a point, revert() undoes what followed
// it. Not thread-safe: one transaction at a time.

#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "evm/types.hpp"

namespace pv::evm {

// The valid jump destinations of one code: one byte per code byte, 1 at a JUMPDEST that is not
// push data. Computed once per code and shared: code never changes under its hash.
using JumpdestMap = std::vector<std::uint8_t>;
[[nodiscard]] std::shared_ptr<const JumpdestMap> analyze_jumpdests(ByteView code);

struct StorageSlot {
  uint256 original{};  // value at the start of the transaction (EIP-2200)
  uint256 current{};
  bool warm = false;  // EIP-2929
};

struct Account {
  bool exists = false;  // false: a placeholder holding only warm flags
  std::uint64_t nonce = 0;
  uint256 balance{};
  Bytes code;
  // Invariant: null or the analysis of `code` (set_code and its revert reset it).
  std::shared_ptr<const JumpdestMap> jumpdests;
  std::unordered_map<uint256, StorageSlot, Uint256Hash> storage;
  std::unordered_map<uint256, uint256, Uint256Hash> transient;  // EIP-1153
  bool warm = false;
  bool touched = false;     // EIP-161: removed at the end if empty
  bool created = false;     // created in this transaction (EIP-6780)
  bool destructed = false;  // removed at the end of the transaction
  bool fresh_storage = false;  // storage not read from the source (created or loaded whole)

  // EIP-161: no nonce, no balance, no code.
  bool is_empty() const { return nonce == 0 && balance.is_zero() && code.empty(); }
};

// Where accounts live between transactions (the ledger's store; a map in tests).
class StateSource {
 public:
  struct AccountRecord {
    std::uint64_t nonce = 0;
    uint256 balance{};
    Bytes code;
    std::shared_ptr<const JumpdestMap> jumpdests;  // optional: analyze_jumpdests(code)
  };
  virtual ~StateSource() = default;
  virtual std::optional<AccountRecord> account(const Address& address) const = 0;
  // Zero for a slot never written.
  virtual uint256 storage(const Address& address, const uint256& key) const = 0;
};

struct Log {
  Address address;
  std::vector<Bytes32> topics;
  Bytes data;
};

class State {
 public:
  explicit State(const StateSource* source = nullptr) : source_(source) {}
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  // Puts a whole account in place before any transaction (tests, genesis). Its storage is
  // complete: no slot is read from the source.
  void insert(const Address& address, Account account);

  // The account at `address`, loaded from the source if needed; `exists` tells whether it is
  // there. The reference stays valid for the State's life.
  Account& get(const Address& address);
  // nullptr when there is no account.
  Account* find(const Address& address) {
    Account& a = get(address);
    return a.exists ? &a : nullptr;
  }

  // EIP-2929: marks warm; returns true when it was cold.
  bool access_account(Account& account);
  bool access_slot(StorageSlot& slot);
  // The slot of `account` (loaded from the source on first use).
  StorageSlot& slot(Account& account, const Address& address, const uint256& key);

  void set_storage(StorageSlot& slot, const uint256& value);
  static uint256 tload(const Account& account, const uint256& key);
  void tstore(Account& account, const uint256& key, const uint256& value);

  // Balance changes touch the account and make it exist.
  void add_balance(Account& account, const uint256& amount);
  void sub_balance(Account& account, const uint256& amount);  // REQUIRES: enough balance
  void set_nonce(Account& account, std::uint64_t nonce);
  void set_code(Account& account, Bytes code);
  void touch(Account& account);
  // A new contract account (keeps a balance it already had; nonce 1 per EIP-161).
  void create_contract(Account& account);
  void mark_destructed(Account& account);

  void add_refund(std::int64_t delta);
  std::int64_t refund() const { return refund_; }
  void add_log(Log log);
  const std::vector<Log>& logs() const { return logs_; }

  std::size_t snapshot() const { return journal_.size(); }
  void revert(std::size_t snapshot);

  // End of a transaction: removes destructed accounts and touched empty ones, makes current
  // storage the original, clears warm sets, transient storage, refunds, logs and the journal.
  void finish_transaction();

  const std::unordered_map<Address, Account, AddressHash>& accounts() const { return accounts_; }

 private:
  enum class Change : std::uint8_t {
    balance, nonce, code, storage, transient, warm_account, warm_slot, touched, exists,
    account, destructed, refund, log,
  };
  // 48 bytes, trivially copyable: one per change, so it stays small.
  struct Entry {
    Change kind = Change::balance;
    bool old_flag = false;
    void* target = nullptr;  // the Account, the StorageSlot, or a transient value
    uint256 old{};           // the old value (a nonce or refund in old.w[0])
    Account* account() const { return static_cast<Account*>(target); }
  };
  void make_exist(Account& account);
  Entry& record(Change kind, void* target = nullptr) {
    Entry& e = journal_.emplace_back();
    e.kind = kind;
    e.target = target;
    return e;
  }

  const StateSource* source_;
  std::unordered_map<Address, Account, AddressHash> accounts_;
  std::vector<Entry> journal_;  // trivially copyable entries; the rare large ones below
  std::vector<std::unique_ptr<Account>> replaced_accounts_;  // Change::account, in order
  std::vector<Bytes> replaced_code_;                         // Change::code, in order
  std::int64_t refund_ = 0;
  std::vector<Log> logs_;
};

}  // namespace pv::evm
