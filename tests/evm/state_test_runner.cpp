#include "state_test_runner.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "ethereum_transaction.hpp"
#include "rlp.hpp"
#include "trie.hpp"

namespace pv::evm::test {

namespace {
using nlohmann::json;

Bytes hex_bytes(const std::string& s) {
  std::string_view v = s;
  if (v.starts_with("0x")) v.remove_prefix(2);
  auto r = from_hex(v);
  return r ? *r : Bytes{};
}
uint256 hex_word(const std::string& s) {
  Bytes b = hex_bytes(s);
  // Strip leading zero bytes beyond 32 (never present in valid files).
  while (b.size() > 32 && b.front() == 0) b.erase(b.begin());
  return load_be(b.data(), std::min<std::size_t>(b.size(), 32));
}
Address hex_address(const std::string& s) {
  Bytes b = hex_bytes(s);
  Address a;
  if (b.size() == 20) std::copy(b.begin(), b.end(), a.bytes.begin());
  return a;
}
std::uint64_t hex_u64(const std::string& s) { return hex_word(s).w[0]; }

// EIP-4844: the blob base fee from the excess blob gas.
uint256 blob_base_fee(std::uint64_t excess) {
  // fake_exponential(1, excess, 3338477) with integers.
  const uint256 denominator{3338477};
  uint256 output{0}, accum{denominator};
  for (std::uint64_t i = 1; !accum.is_zero(); ++i) {
    output = output + accum;
    accum = udivmod(accum * uint256{excess}, denominator * uint256{i}).quot;
  }
  return udivmod(output, denominator).quot;
}

void load_pre(State& state, const json& pre) {
  for (const auto& [address, acc] : pre.items()) {
    Account a;
    a.nonce = hex_u64(acc.at("nonce").get<std::string>());
    a.balance = hex_word(acc.at("balance").get<std::string>());
    a.code = hex_bytes(acc.at("code").get<std::string>());
    for (const auto& [key, value] : acc.at("storage").items()) {
      const uint256 v = hex_word(value.get<std::string>());
      if (!v.is_zero()) a.storage[hex_word(key)] = StorageSlot{v, v, false};
    }
    state.insert(hex_address(address), std::move(a));
  }
}

std::string case_name(const std::filesystem::path& file, const std::string& test, const json& idx) {
  return file.parent_path().filename().string() + "/" + file.filename().string() + ":" + test +
         "[" + std::to_string(idx.at("data").get<int>()) + "," +
         std::to_string(idx.at("gas").get<int>()) + "," + std::to_string(idx.at("value").get<int>()) +
         "]";
}
}  // namespace

Bytes32 state_root(const State& state) {
  std::map<Bytes, Bytes> accounts;
  for (const auto& [address, a] : state.accounts()) {
    if (!a.exists) continue;
    std::map<Bytes, Bytes> storage;
    for (const auto& [key, slot] : a.storage) {
      if (slot.current.is_zero()) continue;
      const Bytes32 k = keccak256(to_bytes32(key).view());
      storage[Bytes(k.bytes.begin(), k.bytes.end())] = rlp_uint(slot.current);
    }
    const Bytes32 storage_root = trie_root(storage);
    const Bytes32 code_hash = keccak256(a.code);
    const Bytes32 k = keccak256(address.view());
    accounts[Bytes(k.bytes.begin(), k.bytes.end())] =
        rlp_list({rlp_uint(uint256{a.nonce}), rlp_uint(a.balance), rlp_string(storage_root.view()),
                  rlp_string(code_hash.view())});
  }
  return trie_root(accounts);
}

Bytes32 logs_hash(const std::vector<Log>& logs) {
  std::vector<Bytes> items;
  for (const auto& log : logs) {
    std::vector<Bytes> topics;
    for (const auto& t : log.topics) topics.push_back(rlp_string(t.view()));
    items.push_back(rlp_list({rlp_string(log.address.view()), rlp_list(topics), rlp_string(log.data)}));
  }
  return keccak256(rlp_list(items));
}

void run_state_test_file(const std::filesystem::path& file, StateTestReport& report) {
  std::ifstream in(file);
  json doc;
  try {
    doc = json::parse(in);
  } catch (const std::exception& e) {
    report.failures.push_back(file.string() + ": not JSON: " + e.what());
    return;
  }
  for (const auto& [test, t] : doc.items()) {
    if (!t.contains("post") || !t.at("post").contains("Cancun")) continue;
    const json& env = t.at("env");
    BlockContext block;
    block.coinbase = hex_address(env.at("currentCoinbase").get<std::string>());
    block.number = hex_u64(env.at("currentNumber").get<std::string>());
    block.timestamp = hex_u64(env.at("currentTimestamp").get<std::string>());
    block.gas_limit = hex_u64(env.at("currentGasLimit").get<std::string>());
    block.prev_randao = hex_word(env.at("currentRandom").get<std::string>());
    block.base_fee = hex_word(env.value("currentBaseFee", std::string("0x00")));
    block.blob_base_fee = blob_base_fee(hex_u64(env.value("currentExcessBlobGas", std::string("0x00"))));
    block.chain_id = uint256{1};
    // Filled state tests use the hash of the block number's decimal text (as the tools that
    // fill them do).
    block.block_hash = [](std::uint64_t n) {
      return keccak256(as_bytes(std::to_string(n)));
    };

    const json& tx = t.at("transaction");
    for (const json& post : t.at("post").at("Cancun")) {
      const json& idx = post.at("indexes");
      const std::string name = case_name(file, test, idx);
      EthTransaction etx;
      etx.sender = hex_address(tx.at("sender").get<std::string>());
      const std::string to = tx.at("to").get<std::string>();
      if (!to.empty()) etx.to = hex_address(to);
      etx.nonce = hex_u64(tx.at("nonce").get<std::string>());
      if (tx.contains("maxFeePerGas")) {
        etx.dynamic_fee = true;
        etx.max_fee = hex_word(tx.at("maxFeePerGas").get<std::string>());
        etx.max_priority_fee = hex_word(tx.at("maxPriorityFeePerGas").get<std::string>());
      } else {
        etx.gas_price = hex_word(tx.at("gasPrice").get<std::string>());
      }
      const int d = idx.at("data").get<int>(), g = idx.at("gas").get<int>(),
                v = idx.at("value").get<int>();
      etx.data = hex_bytes(tx.at("data").at(d).get<std::string>());
      const uint256 gas_limit = hex_word(tx.at("gasLimit").at(g).get<std::string>());
      etx.value = hex_word(tx.at("value").at(v).get<std::string>());
      if (tx.contains("accessLists") && tx.at("accessLists").size() > static_cast<std::size_t>(d) &&
          !tx.at("accessLists").at(d).is_null()) {
        for (const json& e : tx.at("accessLists").at(d)) {
          AccessListEntry entry{hex_address(e.at("address").get<std::string>()), {}};
          for (const json& k : e.at("storageKeys")) entry.keys.push_back(hex_word(k.get<std::string>()));
          etx.access_list.push_back(std::move(entry));
        }
      }
      State state;
      load_pre(state, t.at("pre"));
      TxOutcome outcome;
      if (!gas_limit.fits_u64() || gas_limit.w[0] > static_cast<std::uint64_t>(INT64_MAX)) {
        outcome.invalid = "gas limit above 2^63";
      } else {
        etx.gas_limit = static_cast<std::int64_t>(gas_limit.w[0]);
        const auto start = std::chrono::steady_clock::now();
        outcome = apply_transaction(state, block, etx);
        // PV_EVM_VERBOSE=1: one line per case (status, gas, time) for debugging and profiling.
        if (std::getenv("PV_EVM_VERBOSE") != nullptr)
          std::fprintf(stderr, "%s: %s, gas used %lld, %.3f s\n", name.c_str(),
                       status_name(outcome.status), static_cast<long long>(outcome.gas_used),
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      }
      const bool expect_invalid = post.contains("expectException");
      if (outcome.unsupported_precompile != 0) {
        report.skipped.push_back(name + ": calls precompile 0x" +
                                 to_hex(ByteView(&outcome.unsupported_precompile, 1)) +
                                 ", not implemented (bn254 pairing, blake2f, KZG)");
        continue;
      }
      std::string problem;
      if (expect_invalid != outcome.invalid.has_value())
        problem = expect_invalid ? "expected an invalid transaction, it was applied"
                                 : "transaction rejected: " + *outcome.invalid;
      const Bytes32 root = state_root(state);
      const Bytes32 logs = logs_hash(outcome.logs);
      if (problem.empty() && "0x" + root.hex() != post.at("hash").get<std::string>())
        problem = "state root " + root.hex() + " (status " + status_name(outcome.status) +
                  ", gas used " + std::to_string(outcome.gas_used) + ")";
      if (problem.empty() && "0x" + logs.hex() != post.at("logs").get<std::string>())
        problem = "logs hash " + logs.hex();
      if (problem.empty())
        ++report.passed;
      else
        report.failures.push_back(name + ": " + problem);
    }
  }
}

}  // namespace pv::evm::test
