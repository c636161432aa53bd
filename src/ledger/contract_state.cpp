#include "ledger/contract_state.hpp"

#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "codec/binary.hpp"

namespace pv {
namespace {

constexpr std::size_t kAccountBytes = 8 + 32 + 32;

Bytes encode_account(std::uint64_t nonce, const evm::uint256& balance,
                     const evm::Bytes32& code_hash) {
  BinaryWriter w;
  w.u64(nonce);
  w.fixed(evm::to_bytes32(balance));
  w.fixed(code_hash);
  return w.take();
}

struct StoredAccount {
  std::uint64_t nonce = 0;
  evm::uint256 balance{};
  evm::Bytes32 code_hash;
};

std::optional<StoredAccount> decode_account(ByteView b) {
  if (b.size() != kAccountBytes) return std::nullopt;
  BinaryReader r(b);
  auto nonce = r.u64("nonce");
  auto balance = r.fixed<32>("balance");
  auto hash = r.fixed<32>("code hash");
  if (!nonce || !balance || !hash) return std::nullopt;
  return StoredAccount{*nonce, evm::to_word(*balance), *hash};
}

// Code by hash with its jump destinations, shared by every source in the process: code never
// changes under its hash, so neither does its analysis.
struct AnalyzedCode {
  Bytes code;
  std::shared_ptr<const evm::JumpdestMap> jumpdests;
};

class CodeCache {
 public:
  std::shared_ptr<const AnalyzedCode> find(const evm::Bytes32& hash) {
    std::lock_guard lock(mutex_);
    auto it = code_.find(evm::to_word(hash));
    return it == code_.end() ? nullptr : it->second;
  }
  void put(const evm::Bytes32& hash, std::shared_ptr<const AnalyzedCode> code) {
    std::lock_guard lock(mutex_);
    if (code_.size() > 64) code_.clear();  // a handful of versions at most; bound it anyway
    code_.emplace(evm::to_word(hash), std::move(code));
  }

 private:
  std::mutex mutex_;
  std::unordered_map<evm::uint256, std::shared_ptr<const AnalyzedCode>, evm::Uint256Hash> code_;
};

CodeCache& code_cache() {
  static CodeCache cache;
  return cache;
}

}  // namespace

std::string evm_account_state_key(const evm::Address& a) {
  return "evm/acct/" + a.hex();
}
std::string evm_code_state_key(const evm::Bytes32& h) {
  return "evm/code/" + h.hex();
}
// Built in one buffer: every SLOAD of a contract call reads one of these.
std::string evm_slot_state_key(const evm::Address& a, const evm::uint256& key) {
  static constexpr char kPrefix[] = "evm/slot/";
  static constexpr char kDigits[] = "0123456789abcdef";
  std::uint8_t word[32];
  evm::store_be32(word, key);
  std::string out(sizeof kPrefix - 1 + 2 * a.size() + 1 + 2 * sizeof word, '/');
  std::memcpy(out.data(), kPrefix, sizeof kPrefix - 1);
  char* p = out.data() + sizeof kPrefix - 1;
  for (std::uint8_t b : a.bytes) {
    *p++ = kDigits[b >> 4];
    *p++ = kDigits[b & 15];
  }
  ++p;  // the '/' between address and slot
  for (std::uint8_t b : word) {
    *p++ = kDigits[b >> 4];
    *p++ = kDigits[b & 15];
  }
  return out;
}

evm::Address identity_address(std::string_view did) {
  std::string preimage = "pv-identity-v1:";
  preimage += did;
  return evm::to_address(evm::to_word(evm::keccak256(as_bytes(preimage))));
}

std::optional<evm::StateSource::AccountRecord> LedgerEvmSource::account(
    const evm::Address& address) const {
  auto raw = state_.get(evm_account_state_key(address));
  if (!raw) return std::nullopt;
  auto stored = decode_account(*raw);
  if (!stored) {
    corrupt_ = true;
    return std::nullopt;
  }
  AccountRecord record{stored->nonce, stored->balance, {}, {}};
  if (!stored->code_hash.is_zero()) {
    auto code = code_cache().find(stored->code_hash);
    if (!code) {
      auto bytes = state_.get(evm_code_state_key(stored->code_hash));
      if (!bytes || evm::keccak256(*bytes) != stored->code_hash) {
        corrupt_ = true;
        return std::nullopt;
      }
      auto analyzed = std::make_shared<AnalyzedCode>();
      analyzed->jumpdests = evm::analyze_jumpdests(*bytes);
      analyzed->code = std::move(*bytes);
      code = std::move(analyzed);
      code_cache().put(stored->code_hash, code);
    }
    record.code = code->code;
    record.jumpdests = code->jumpdests;
  }
  return record;
}

evm::uint256 LedgerEvmSource::storage(const evm::Address& address, const evm::uint256& key) const {
  auto raw = state_.get(evm_slot_state_key(address, key));
  if (!raw) return evm::uint256{};
  if (raw->size() != 32) {
    corrupt_ = true;
    return evm::uint256{};
  }
  return evm::load_be32(raw->data());
}

void write_evm_changes(const evm::State& state, const StateView& before, StateOverlay& out) {
  LedgerEvmSource source(before);
  for (const auto& [address, account] : state.accounts()) {
    const bool gone =
        !account.exists || account.destructed || (account.touched && account.is_empty());
    auto prior = source.account(address);
    if (gone) {
      // EIP-6780: only an account created in this transaction is destroyed, and it was never
      // written; an empty touched account that existed before is removed.
      if (prior) out.erase(evm_account_state_key(address));
      continue;
    }
    evm::Bytes32 code_hash;
    if (!account.code.empty()) code_hash = evm::keccak256(account.code);
    const bool same = prior && prior->nonce == account.nonce && prior->balance == account.balance &&
                      prior->code == account.code;
    if (!same) {
      out.put(evm_account_state_key(address),
              encode_account(account.nonce, account.balance, code_hash));
      if (!account.code.empty()) out.put(evm_code_state_key(code_hash), account.code);
    }
    for (const auto& [key, slot] : account.storage) {
      if (slot.current == slot.original) continue;
      if (slot.current.is_zero()) {
        out.erase(evm_slot_state_key(address, key));
      } else {
        Bytes value(32);
        evm::store_be32(value.data(), slot.current);
        out.put(evm_slot_state_key(address, key), std::move(value));
      }
    }
  }
}

}  // namespace pv
