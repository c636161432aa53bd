// libFuzzer target for the EVM interpreter (docs/evm.md): arbitrary bytecode, calldata and gas,
// run alone as `pv evm exec` runs it (evm/code_run.hpp). The differential tests compare
// generated programs with @ethereumjs/evm; this target explores what no generator writes
// (jumps into push data, truncated pushes, any opcode byte, any stack shape) under ASan and
// UBSan.
//
// Input: u16 gas (times 64, so up to ~4.2M), u8 calldata length, the calldata, then the code.
// Invariants:
//   - determinism: the same call twice gives the same status, gas, output, logs and storage;
//   - 0 <= gas used <= gas given;
//   - an exceptional halt (neither success nor revert) uses all the gas and keeps no output;
//   - a call that does not succeed leaves no log and no storage write.

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "evm/code_run.hpp"

namespace {

void require(bool ok, const char* invariant) {
  if (ok) return;
  std::fprintf(stderr, "evm_fuzz: invariant violated: %s\n", invariant);
  std::abort();
}

bool same_logs(const std::vector<pv::evm::Log>& a, const std::vector<pv::evm::Log>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].address != b[i].address || a[i].topics != b[i].topics || a[i].data != b[i].data)
      return false;
  return true;
}

bool same_storage(const std::vector<pv::evm::StorageWrite>& a,
                  const std::vector<pv::evm::StorageWrite>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].address != b[i].address || !(a[i].key == b[i].key) || !(a[i].value == b[i].value))
      return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pv::evm;
  if (size < 3 || size > 4096) return 0;
  CodeRun run;
  run.gas = static_cast<std::int64_t>((data[0] << 8) | data[1]) * 64;
  const std::size_t input_len = std::min<std::size_t>(data[2], size - 3);
  run.input.assign(data + 3, data + 3 + input_len);
  run.code.assign(data + 3 + input_len, data + size);

  const CodeRunReport first = run_code(run);
  const CodeRunReport second = run_code(run);
  require(first.status == second.status && first.gas_used == second.gas_used &&
              first.output == second.output && same_logs(first.logs, second.logs) &&
              same_storage(first.storage, second.storage),
          "the same call twice gives the same result");
  require(first.gas_used >= 0 && first.gas_used <= run.gas, "0 <= gas used <= gas given");
  if (first.status != Status::success && first.status != Status::revert) {
    require(first.gas_used == run.gas, "an exceptional halt uses all the gas");
    require(first.output.empty(), "an exceptional halt keeps no output");
  }
  if (first.status != Status::success)
    require(first.logs.empty() && first.storage.empty(),
            "a call that does not succeed leaves no log and no storage write");
  return 0;
}
