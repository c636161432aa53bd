#include "ethereum_transaction.hpp"

#include "evm/gas.hpp"
#include "evm/precompiles.hpp"

namespace pv::evm::test {

std::int64_t intrinsic_gas(const EthTransaction& tx) {
  std::int64_t g = gas::tx_base;
  for (auto b : tx.data) g += b == 0 ? gas::tx_data_zero : gas::tx_data_nonzero;
  if (!tx.to) {
    g += gas::tx_create;
    g += gas::initcode_word * static_cast<std::int64_t>((tx.data.size() + 31) / 32);  // EIP-3860
  }
  for (const auto& e : tx.access_list)
    g += gas::tx_access_list_address +
         gas::tx_access_list_storage_key * static_cast<std::int64_t>(e.keys.size());
  return g;
}

namespace {
std::optional<std::string> check(State& state, const BlockContext& block,
                                 const EthTransaction& tx, uint256& price) {
  const Account& sender = state.get(tx.sender);
  uint256 max_price = tx.gas_price;
  if (tx.dynamic_fee) {
    if (tx.max_priority_fee > tx.max_fee) return "priority fee above max fee";
    if (tx.max_fee < block.base_fee) return "max fee below base fee";
    const uint256 tip = tx.max_fee - block.base_fee;
    price = block.base_fee + (tx.max_priority_fee < tip ? tx.max_priority_fee : tip);
    max_price = tx.max_fee;
  } else {
    if (tx.gas_price < block.base_fee) return "gas price below base fee";
    price = tx.gas_price;
  }
  if (sender.nonce != tx.nonce) return "nonce mismatch";
  if (tx.nonce == UINT64_MAX) return "nonce at maximum";
  if (!sender.code.empty()) return "sender has code (EIP-3607)";
  if (static_cast<std::uint64_t>(tx.gas_limit) > block.gas_limit) return "gas limit above block";
  if (intrinsic_gas(tx) > tx.gas_limit) return "intrinsic gas too low";
  if (!tx.to && tx.data.size() > gas::max_initcode_size) return "init code too large";
  // Overflow-safe: the upfront cost must fit in 256 bits and in the balance.
  const uint256 limit{static_cast<std::uint64_t>(tx.gas_limit)};
  if (!max_price.is_zero() && udivmod(uint256::max(), max_price).quot < limit)
    return "upfront cost overflows";
  const uint256 upfront = limit * max_price;
  if (upfront + tx.value < upfront || sender.balance < upfront + tx.value)
    return "insufficient funds";
  return std::nullopt;
}
}  // namespace

TxOutcome apply_transaction(State& state, const BlockContext& block, const EthTransaction& tx) {
  TxOutcome out;
  uint256 price{};
  if (auto why = check(state, block, tx, price)) {
    out.invalid = std::move(why);
    return out;
  }
  Account& sender = state.get(tx.sender);
  const uint256 limit{static_cast<std::uint64_t>(tx.gas_limit)};
  state.sub_balance(sender, limit * price);
  if (tx.to) state.set_nonce(sender, sender.nonce + 1);  // CREATE increments it itself

  // EIP-2929 and EIP-3651: what starts warm.
  (void)state.access_account(sender);
  if (tx.to) (void)state.access_account(state.get(*tx.to));
  (void)state.access_account(state.get(block.coinbase));
  for (std::uint8_t p = 1; p <= last_precompile; ++p)
    (void)state.access_account(state.get(small_address(p)));
  for (const auto& e : tx.access_list) {
    Account& a = state.get(e.address);
    (void)state.access_account(a);
    for (const auto& key : e.keys) (void)state.access_slot(state.slot(a, e.address, key));
  }

  TxContext tx_context;
  tx_context.origin = tx.sender;
  tx_context.gas_price = price;
  Vm vm(state, block, tx_context);
  Message msg;
  msg.kind = tx.to ? CallKind::call : CallKind::create;
  msg.gas = tx.gas_limit - intrinsic_gas(tx);
  msg.sender = tx.sender;
  msg.recipient = tx.to.value_or(Address{});
  msg.code_address = msg.recipient;
  msg.value = tx.value;
  msg.input = tx.data;
  const CallResult result = vm.call(msg);
  out.status = result.status;
  out.unsupported_precompile = vm.unsupported_precompile_used();

  std::int64_t gas_left = result.gas_left;
  std::int64_t gas_used = tx.gas_limit - gas_left;
  const std::int64_t refund = std::min(state.refund(), gas_used / gas::max_refund_quotient);
  gas_left += refund;
  gas_used -= refund;
  state.add_balance(sender, uint256{static_cast<std::uint64_t>(gas_left)} * price);
  state.add_balance(state.get(block.coinbase),
                    uint256{static_cast<std::uint64_t>(gas_used)} * (price - block.base_fee));
  out.gas_used = gas_used;
  out.logs = state.logs();
  state.finish_transaction();
  return out;
}

}  // namespace pv::evm::test
