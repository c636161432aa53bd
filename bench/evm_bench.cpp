// EVM throughput in Mgas/s (issue 15, target >= 200) on two standard loops run in one call
// frame: pure 256-bit arithmetic, and arithmetic with a storage write and read per iteration.
// Usage: pv_evm_bench [--iterations N] [--runs R]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "evm/vm.hpp"

namespace {

using pv::Bytes;
using namespace pv::evm;

// The loops keep (top first) [i, acc] on the stack and run N iterations, i = 0 .. N-1.
// Arithmetic: acc = (acc * 3 + i) ^ (acc >> 1).
//   JUMPDEST DUP1 DUP3 PUSH1 3 MUL ADD DUP3 PUSH1 1 SHR XOR SWAP2 POP
// Storage, after the same arithmetic: SSTORE(i & 7, acc); acc ^= SLOAD((i + 1) & 7), a slot
// written one iteration in eight earlier (warm after the first round: 100 gas each).
//   DUP2 DUP2 PUSH1 7 AND SSTORE PUSH1 1 DUP2 ADD PUSH1 7 AND SLOAD DUP3 XOR SWAP2 POP
// Then: PUSH1 1 ADD DUP1 PUSH4 N GT PUSH1 2 JUMPI STOP.
Bytes loop_code(std::uint32_t n, bool storage) {
  std::string hex = "5f5f";  // PUSH0 PUSH0: acc = 0, i = 0; the loop starts at byte 2
  hex += "5b8082600302018260011c189150";
  if (storage) hex += "818160071655600181016007165482189150";
  char n_hex[9];
  std::snprintf(n_hex, sizeof n_hex, "%08x", n);
  hex += std::string("6001018063") + n_hex + "1160025700";
  return *pv::from_hex(hex);
}

double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Measure {
  double seconds;
  double cpu_seconds;
  std::int64_t gas;
  Status status;
};

Measure run_once(const Bytes& code) {
  State state;
  const Address contract = small_address(0xcc);
  Account a;
  a.code = code;
  state.insert(contract, std::move(a));
  BlockContext block;
  TxContext tx;
  Vm vm(state, block, tx);
  Message m;
  m.gas = 1'000'000'000'000;
  m.recipient = contract;
  m.code_address = contract;
  m.sender = small_address(0xaa);
  const double cpu_start = thread_cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  const CallResult r = vm.call(m);
  const auto end = std::chrono::steady_clock::now();
  return {std::chrono::duration<double>(end - start).count(), thread_cpu_seconds() - cpu_start,
          m.gas - r.gas_left, r.status};
}

}  // namespace

int main(int argc, char** argv) {
  std::uint32_t iterations = 2'000'000;
  int runs = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--iterations") == 0) iterations = static_cast<std::uint32_t>(std::atol(argv[i + 1]));
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
  }
  for (bool storage : {false, true}) {
    const Bytes code = loop_code(iterations, storage);
    std::vector<double> rates, cpu_rates;
    std::int64_t gas = 0;
    for (int r = 0; r < runs; ++r) {
      const Measure m = run_once(code);
      if (m.status != Status::success) {
        std::fprintf(stderr, "loop failed: %s\n", status_name(m.status));
        return 1;
      }
      gas = m.gas;
      rates.push_back(static_cast<double>(m.gas) / m.seconds / 1e6);
      cpu_rates.push_back(static_cast<double>(m.gas) / m.cpu_seconds / 1e6);
    }
    std::sort(rates.begin(), rates.end());
    std::sort(cpu_rates.begin(), cpu_rates.end());
    // Wall-clock rate, and the rate per second of CPU this thread got (the machine is shared).
    std::printf("%-22s %u iterations, %.1f gas/iteration: median %.0f Mgas/s (best %.0f), per "
                "CPU second median %.0f Mgas/s, %d runs\n",
                storage ? "arithmetic + storage" : "arithmetic", iterations,
                static_cast<double>(gas) / iterations, rates[rates.size() / 2], rates.back(),
                cpu_rates[cpu_rates.size() / 2], runs);
  }
  return 0;
}
