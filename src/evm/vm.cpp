#include "evm/vm.hpp"

#include <pthread.h>

#include <algorithm>
#include <cstring>

#include "evm/gas.hpp"
#include "evm/precompiles.hpp"

namespace pv::evm {

const char* status_name(Status s) {
  switch (s) {
    case Status::success: return "success";
    case Status::revert: return "revert";
    case Status::out_of_gas: return "out-of-gas";
    case Status::invalid_instruction: return "invalid";
    case Status::stack_underflow: return "stack-underflow";
    case Status::stack_overflow: return "stack-overflow";
    case Status::bad_jump_destination: return "bad-jump-destination";
    case Status::static_mode_violation: return "static-mode-violation";
    case Status::invalid_memory_access: return "invalid-memory-access";
    case Status::contract_validation_failure: return "contract-validation-failure";
    case Status::create_collision: return "create-collision";
    case Status::call_depth_exceeded: return "call-depth-exceeded";
    case Status::insufficient_balance: return "insufficient-balance";
    case Status::nonce_overflow: return "nonce-overflow";
    case Status::precompile_failure: return "precompile-failure";
    case Status::unsupported_precompile: return "unsupported-precompile";
  }
  return "unknown";
}

Address create_address(const Address& sender, std::uint64_t nonce) {
  // rlp([sender, nonce]): the nonce as a minimal big-endian RLP string.
  std::uint8_t buf[32];
  std::size_t n = 0;
  std::uint8_t nonce_be[8];
  int len = 0;
  for (std::uint64_t v = nonce; v != 0; v >>= 8) ++len;
  for (int i = 0; i < len; ++i) nonce_be[i] = static_cast<std::uint8_t>(nonce >> (8 * (len - 1 - i)));
  std::size_t nonce_rlp = (len == 1 && nonce_be[0] < 0x80) ? 1 : 1 + len;
  buf[n++] = static_cast<std::uint8_t>(0xc0 + 21 + nonce_rlp);
  buf[n++] = 0x94;
  std::memcpy(buf + n, sender.data(), 20);
  n += 20;
  if (len == 1 && nonce_be[0] < 0x80) {
    buf[n++] = nonce_be[0];
  } else {
    buf[n++] = static_cast<std::uint8_t>(0x80 + len);
    std::memcpy(buf + n, nonce_be, len);
    n += len;
  }
  Bytes32 h = keccak256({buf, n});
  Address a;
  std::memcpy(a.data(), h.data() + 12, 20);
  return a;
}

Address create2_address(const Address& sender, const uint256& salt, ByteView init_code) {
  std::uint8_t buf[85];
  buf[0] = 0xff;
  std::memcpy(buf + 1, sender.data(), 20);
  store_be32(buf + 21, salt);
  Bytes32 code_hash = keccak256(init_code);
  std::memcpy(buf + 53, code_hash.data(), 32);
  Bytes32 h = keccak256({buf, sizeof buf});
  Address a;
  std::memcpy(a.data(), h.data() + 12, 20);
  return a;
}

namespace {
CallResult fail(Status s, std::int64_t gas_left) { return CallResult{s, gas_left, {}, {}}; }

// Frames nest by recursion, about 1.5 KB of native stack each (several times more under the
// sanitizers), and the EVM allows 1025 of them. So that the depth limit never depends on the
// caller's thread, every 256th level continues on a thread of its own with a large stack (address
// space only: the kernel backs what is touched). The caller waits for it: one thread runs at a
// time, and the State is never shared.
constexpr int frames_per_stack = 256;
constexpr std::size_t frame_stack_bytes = std::size_t{64} << 20;

struct FreshStackCall {
  Vm* vm;
  const Message* msg;
  CallResult result;
};
}  // namespace

CallResult Vm::call(const Message& msg) {
  if (msg.depth > gas::max_call_depth) return fail(Status::call_depth_exceeded, msg.gas);
  if (msg.depth > 0 && msg.depth % frames_per_stack == 0 && !on_fresh_stack_) {
    FreshStackCall job{this, &msg, {}};
    pthread_attr_t attr;
    pthread_t thread;
    bool started = pthread_attr_init(&attr) == 0;
    if (started) {
      started = pthread_attr_setstacksize(&attr, frame_stack_bytes) == 0 &&
                pthread_create(
                    &thread, &attr,
                    [](void* p) -> void* {
                      auto* j = static_cast<FreshStackCall*>(p);
                      j->vm->on_fresh_stack_ = true;
                      j->result = j->vm->call(*j->msg);
                      return nullptr;
                    },
                    &job) == 0;
      pthread_attr_destroy(&attr);
    }
    if (started) {
      pthread_join(thread, nullptr);
      return std::move(job.result);
    }
    // No thread to be had: go on here, as deep as this stack allows.
  }
  on_fresh_stack_ = false;
  if (msg.kind == CallKind::create || msg.kind == CallKind::create2) return create(msg);

  const bool transfers = msg.kind == CallKind::call || msg.kind == CallKind::callcode;
  Account& sender = state_.get(msg.sender);
  if (transfers && !msg.value.is_zero() && sender.balance < msg.value)
    return fail(Status::insufficient_balance, msg.gas);

  const std::uint8_t precompile = precompile_number(msg.code_address);
  const std::size_t snapshot = state_.snapshot();
  if (msg.kind == CallKind::call) {
    Account& to = state_.get(msg.recipient);
    // EIP-161: a call without value to an account that does not exist creates nothing.
    if (!to.exists && precompile == 0 && msg.value.is_zero()) return fail(Status::success, msg.gas);
    state_.sub_balance(sender, msg.value);
    state_.add_balance(to, msg.value);
  }

  CallResult result;
  if (precompile != 0) {
    result = run_precompile(precompile, msg.input, msg.gas);
    if (result.status == Status::unsupported_precompile && unsupported_precompile_ == 0)
      unsupported_precompile_ = precompile;
  } else {
    Account& code_owner = state_.get(msg.code_address);
    if (code_owner.code.empty()) return fail(Status::success, msg.gas);
    // The code stays in place while it runs: accounts are never moved within a transaction, and
    // an account with code cannot be the target of a CREATE. Its analysis is kept with it for
    // the next call (a cache of the code, reset whenever the code changes; not journaled).
    if (!code_owner.jumpdests) code_owner.jumpdests = analyze_jumpdests(code_owner.code);
    // The frame holds its own reference, whatever happens to the account's.
    const std::shared_ptr<const JumpdestMap> jumpdests = code_owner.jumpdests;
    result = interpret(*this, msg, code_owner.code, jumpdests.get());
  }
  if (result.status != Status::success) {
    state_.revert(snapshot);
    if (result.status != Status::revert) {
      result.gas_left = 0;
      result.output.clear();
    }
  }
  return result;
}

CallResult Vm::create(const Message& msg) {
  Account& sender = state_.get(msg.sender);
  if (sender.balance < msg.value) return fail(Status::insufficient_balance, msg.gas);
  if (sender.nonce == UINT64_MAX) return fail(Status::nonce_overflow, msg.gas);

  const Address address = msg.kind == CallKind::create
                              ? create_address(msg.sender, sender.nonce)
                              : create2_address(msg.sender, msg.salt, msg.input);
  state_.set_nonce(sender, sender.nonce + 1);
  Account& target = state_.get(address);
  (void)state_.access_account(target);
  const bool has_storage = std::any_of(target.storage.begin(), target.storage.end(),
                                       [](const auto& kv) { return !kv.second.current.is_zero(); });
  if (target.exists && (target.nonce != 0 || !target.code.empty() || has_storage))
    return fail(Status::create_collision, 0);

  const std::size_t snapshot = state_.snapshot();
  state_.create_contract(target);
  state_.sub_balance(sender, msg.value);
  state_.add_balance(target, msg.value);

  Message frame = msg;
  frame.recipient = address;
  frame.code_address = address;
  frame.input = {};
  CallResult result = interpret(*this, frame, msg.input);
  if (result.status == Status::success) {
    const Bytes& code = result.output;
    if (code.size() > gas::max_code_size || (!code.empty() && code[0] == 0xEF)) {
      result.status = Status::contract_validation_failure;
    } else {
      const std::int64_t deposit = gas::code_deposit_byte * static_cast<std::int64_t>(code.size());
      if (deposit > result.gas_left) {
        result.status = Status::out_of_gas;
      } else {
        result.gas_left -= deposit;
        state_.set_code(target, std::move(result.output));
        result.output.clear();
        result.created = address;
        return result;
      }
    }
  }
  state_.revert(snapshot);
  if (result.status != Status::revert) {
    result.gas_left = 0;
    result.output.clear();
  }
  return result;
}

}  // namespace pv::evm
