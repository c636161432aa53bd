// Instructions that read or change accounts, storage, logs and call frames. Base gas (the warm
// access cost where there is one) was charged by the interpreter from the table.

#include "evm/frame.hpp"

namespace pv::evm {

namespace {
// EIP-2929: the cold surcharge for an account, on top of the warm cost in the table.
Account& access(Frame& f, const Address& address) {
  Account& a = f.state.get(address);
  if (f.state.access_account(a)) f.gas -= gas::cold_account_extra;
  return a;
}
Status gas_status(const Frame& f) { return f.gas < 0 ? Status::out_of_gas : Status::success; }
}  // namespace

Status op_balance(Frame& f) {
  Account& a = access(f, to_address(f.top()));
  f.top() = a.exists ? a.balance : uint256{0};
  return gas_status(f);
}

Status op_extcodesize(Frame& f) {
  Account& a = access(f, to_address(f.top()));
  f.top() = uint256{a.code.size()};
  return gas_status(f);
}

Status op_extcodecopy(Frame& f) {
  const Address address = to_address(f.pop());
  const uint256 mem = f.pop(), offset = f.pop(), size = f.pop();
  Account& a = access(f, address);
  if (f.gas < 0 || !grow_memory(f, mem, size)) return Status::out_of_gas;
  f.gas -= gas::copy_word * words_of(size.w[0]);
  if (f.gas < 0) return Status::out_of_gas;
  if (!size.is_zero()) copy_padded(f.memory.data() + mem.w[0], a.code, offset, size.w[0]);
  return Status::success;
}

Status op_extcodehash(Frame& f) {
  Account& a = access(f, to_address(f.top()));
  // EIP-1052 with EIP-161: no hash for an account that does not exist or is empty.
  f.top() = (!a.exists || a.is_empty()) ? uint256{0} : to_word(keccak256(a.code));
  return gas_status(f);
}

Status op_sload(Frame& f) {
  Account& self = f.self();
  StorageSlot& slot = f.state.slot(self, f.msg.recipient, f.top());
  if (f.state.access_slot(slot)) f.gas -= gas::cold_sload_extra;
  f.top() = slot.current;
  return gas_status(f);
}

Status op_sstore(Frame& f) {
  if (f.msg.is_static) return Status::static_mode_violation;
  if (f.gas <= gas::sstore_sentry) return Status::out_of_gas;  // EIP-2200
  const uint256 key = f.pop(), value = f.pop();
  Account& self = f.self();
  StorageSlot& slot = f.state.slot(self, f.msg.recipient, key);
  std::int64_t cost = slot.warm ? 0 : gas::cold_sload;
  std::int64_t refund = 0;
  const uint256 original = slot.original, current = slot.current;
  if (current == value) {
    cost += gas::warm_read;
  } else if (original == current) {
    if (original.is_zero()) {
      cost += gas::sstore_set;
    } else {
      cost += gas::sstore_reset;
      if (value.is_zero()) refund += gas::sstore_clears_refund;
    }
  } else {
    cost += gas::warm_read;
    if (!original.is_zero()) {
      if (current.is_zero())
        refund -= gas::sstore_clears_refund;
      else if (value.is_zero())
        refund += gas::sstore_clears_refund;
    }
    if (original == value)
      refund += original.is_zero() ? gas::sstore_set - gas::warm_read
                                   : gas::sstore_reset - gas::warm_read;
  }
  f.gas -= cost;
  if (f.gas < 0) return Status::out_of_gas;
  (void)f.state.access_slot(slot);
  if (refund != 0) f.state.add_refund(refund);
  if (current != value) f.state.set_storage(slot, value);
  return Status::success;
}

Status op_log(Frame& f, int topics) {
  if (f.msg.is_static) return Status::static_mode_violation;
  const uint256 offset = f.pop(), size = f.pop();
  if (!grow_memory(f, offset, size)) return Status::out_of_gas;
  f.gas -= gas::log_data_byte * static_cast<std::int64_t>(size.w[0]);
  if (f.gas < 0) return Status::out_of_gas;
  Log log{f.msg.recipient, {}, {}};
  for (int i = 0; i < topics; ++i) log.topics.push_back(to_bytes32(f.pop()));
  if (!size.is_zero())
    log.data.assign(f.memory.begin() + static_cast<std::ptrdiff_t>(offset.w[0]),
                    f.memory.begin() + static_cast<std::ptrdiff_t>(offset.w[0] + size.w[0]));
  f.state.add_log(std::move(log));
  return Status::success;
}

Status op_call(Frame& f, CallKind kind) {
  const uint256 gas_requested = f.pop();
  const Address target = to_address(f.pop());
  const bool has_value_arg = kind == CallKind::call || kind == CallKind::callcode;
  const uint256 value = has_value_arg ? f.pop() : uint256{0};
  const uint256 in_offset = f.pop(), in_size = f.pop(), out_offset = f.pop(), out_size = f.pop();

  Account& callee = access(f, target);
  if (f.gas < 0) return Status::out_of_gas;
  if (!grow_memory(f, in_offset, in_size) || !grow_memory(f, out_offset, out_size))
    return Status::out_of_gas;
  const bool has_value = !value.is_zero();
  if (kind == CallKind::call && has_value && f.msg.is_static)
    return Status::static_mode_violation;
  std::int64_t cost = has_value ? gas::call_value : 0;
  if (kind == CallKind::call && has_value && (!callee.exists || callee.is_empty()))
    cost += gas::new_account;
  f.gas -= cost;
  if (f.gas < 0) return Status::out_of_gas;

  // EIP-150: at most all but one 64th of what is left.
  const std::int64_t available = f.gas - f.gas / 64;
  std::int64_t child_gas = gas_requested.fits_u64() &&
                                   gas_requested.w[0] < static_cast<std::uint64_t>(available)
                               ? static_cast<std::int64_t>(gas_requested.w[0])
                               : available;
  f.gas -= child_gas;
  if (has_value) child_gas += gas::call_stipend;

  Message m;
  m.kind = kind;
  m.depth = f.msg.depth + 1;
  m.gas = child_gas;
  m.code_address = target;
  m.is_static = f.msg.is_static || kind == CallKind::staticcall;
  switch (kind) {
    case CallKind::call:
    case CallKind::staticcall:
      m.recipient = target;
      m.sender = f.msg.recipient;
      m.value = value;
      break;
    case CallKind::callcode:
      m.recipient = f.msg.recipient;
      m.sender = f.msg.recipient;
      m.value = value;
      break;
    default:  // delegatecall
      m.recipient = f.msg.recipient;
      m.sender = f.msg.sender;
      m.value = f.msg.value;
      break;
  }
  if (!in_size.is_zero()) m.input = ByteView(f.memory.data() + in_offset.w[0], in_size.w[0]);

  CallResult r = f.vm.call(m);
  f.return_data = std::move(r.output);
  if (!out_size.is_zero()) {
    std::size_t n = std::min<std::size_t>(out_size.w[0], f.return_data.size());
    if (n != 0) std::memcpy(f.memory.data() + out_offset.w[0], f.return_data.data(), n);
  }
  f.gas += r.gas_left;
  f.push(uint256{r.status == Status::success ? 1u : 0u});
  return Status::success;
}

Status op_create(Frame& f, CallKind kind) {
  if (f.msg.is_static) return Status::static_mode_violation;
  const uint256 value = f.pop(), offset = f.pop(), size = f.pop();
  const uint256 salt = kind == CallKind::create2 ? f.pop() : uint256{0};
  if (!grow_memory(f, offset, size)) return Status::out_of_gas;
  if (size.w[0] > gas::max_initcode_size) return Status::out_of_gas;  // EIP-3860
  const std::int64_t words = words_of(size.w[0]);
  f.gas -= gas::initcode_word * words;
  if (kind == CallKind::create2) f.gas -= gas::keccak_word * words;
  if (f.gas < 0) return Status::out_of_gas;

  f.return_data.clear();
  Message m;
  m.kind = kind;
  m.depth = f.msg.depth + 1;
  m.gas = f.gas - f.gas / 64;
  f.gas -= m.gas;
  m.sender = f.msg.recipient;
  m.value = value;
  m.salt = salt;
  if (!size.is_zero()) m.input = ByteView(f.memory.data() + offset.w[0], size.w[0]);

  CallResult r = f.vm.call(m);
  f.gas += r.gas_left;
  if (r.status == Status::revert) f.return_data = std::move(r.output);
  f.push(r.status == Status::success ? to_word(r.created) : uint256{0});
  return Status::success;
}

Status op_selfdestruct(Frame& f) {
  if (f.msg.is_static) return Status::static_mode_violation;
  const Address beneficiary_address = to_address(f.pop());
  // EIP-2929: SELFDESTRUCT has no warm cost in its base, so a cold beneficiary costs all 2600.
  Account& beneficiary = f.state.get(beneficiary_address);
  if (f.state.access_account(beneficiary)) f.gas -= gas::cold_account;
  Account& self = f.self();
  if (!self.balance.is_zero() && (!beneficiary.exists || beneficiary.is_empty()))
    f.gas -= gas::selfdestruct_new_account;
  if (f.gas < 0) return Status::out_of_gas;
  // EIP-6780: the balance moves; the account goes only if created in this transaction (then a
  // balance sent to itself is burned).
  const uint256 balance = self.balance;
  f.state.sub_balance(self, balance);
  f.state.add_balance(beneficiary, balance);
  if (self.created) f.state.mark_destructed(self);
  return Status::success;
}

}  // namespace pv::evm
