#include "ledger/contract_version.hpp"

#include <algorithm>

#include "codec/binary.hpp"
#include "evm/gas.hpp"
#include "evm/vm.hpp"
#include "ledger/consent_contract_code.hpp"
#include "ledger/consent_evm.hpp"
#include "ledger/contract_state.hpp"
#include "ledger/org_proposal.hpp"

namespace pv {
namespace {

constexpr std::uint8_t kVersionFormat = 1;
constexpr std::size_t kMaxCompilerBytes = 128;

}  // namespace

evm::Address consent_contract_address() {
  evm::Address a;
  a.bytes[18] = 0xc0;
  a.bytes[19] = 0x45;
  return a;
}

evm::Address ledger_caller_address() {
  evm::Address a;
  a.bytes[18] = 0x70;
  a.bytes[19] = 0x76;
  return a;
}

std::string contract_version_state_key() {
  return "contract/consent";
}

Bytes encode_contract_version(const ContractVersion& v) {
  BinaryWriter w;
  w.u8(kVersionFormat);
  w.fixed(v.address);
  w.fixed(v.code_hash);
  w.u64(v.gas_cap);
  w.u32(v.version);
  w.u64(v.height);
  w.fixed(v.source_hash);
  w.var(v.compiler);
  return w.take();
}

Result<ContractVersion> decode_contract_version(ByteView b) {
  BinaryReader r(b);
  auto format = r.u8("contract version format");
  if (!format) return format.error();
  if (*format != kVersionFormat)
    return make_error(Errc::malformed, "unknown contract version format");
  ContractVersion v;
  auto address = r.fixed<20>("contract address");
  if (!address) return address.error();
  v.address = *address;
  auto hash = r.fixed<32>("code hash");
  if (!hash) return hash.error();
  v.code_hash = *hash;
  auto cap = r.u64("gas cap");
  if (!cap) return cap.error();
  if (*cap == 0 || *cap > (1ull << 40)) return make_error(Errc::malformed, "gas cap out of range");
  v.gas_cap = *cap;
  auto version = r.u32("contract version");
  if (!version) return version.error();
  v.version = *version;
  auto height = r.u64("contract height");
  if (!height) return height.error();
  v.height = *height;
  auto source = r.fixed<32>("source hash");
  if (!source) return source.error();
  v.source_hash = *source;
  auto compiler = r.text(kMaxCompilerBytes, "compiler");
  if (!compiler) return compiler.error();
  v.compiler = std::move(*compiler);
  PV_TRY(r.expect_end("contract version"));
  return v;
}

Result<ContractVersion> load_contract_version(const StateView& state) {
  auto raw = state.get(contract_version_state_key());
  if (!raw) return make_error(Errc::not_found, "the ledger has no consent contract in force");
  auto v = decode_contract_version(*raw);
  if (!v) return make_error(Errc::corruption, "stored contract version: " + v.error().message);
  return v;
}

Result<evm::Bytes32> install_contract_code(StateOverlay& state, const evm::Address& address,
                                           ByteView init_code, std::uint64_t gas_cap,
                                           std::uint64_t height, std::uint64_t time_ms) {
  LedgerEvmSource source(state);
  evm::State evm_state(&source);
  evm::BlockContext block;
  block.number = height;
  block.timestamp = time_ms / 1000;
  block.gas_limit = gas_cap;
  evm::TxContext tx;
  tx.origin = ledger_caller_address();
  evm::Vm vm(evm_state, block, tx);
  evm::Account& target = evm_state.get(address);
  if (!target.exists) evm_state.create_contract(target);
  (void)evm_state.access_account(target);
  (void)evm_state.access_account(evm_state.get(ledger_caller_address()));
  evm::Message frame;
  frame.kind = evm::CallKind::create;
  frame.gas = static_cast<std::int64_t>(gas_cap);
  frame.sender = ledger_caller_address();
  frame.recipient = address;
  frame.code_address = address;
  evm::CallResult result = evm::interpret(vm, frame, init_code);
  if (source.corrupt()) return make_error(Errc::corruption, "stored EVM accounts do not decode");
  if (result.status != evm::Status::success)
    return make_error(
        Errc::invalid_argument,
        std::string("init code failed: ") + evm::status_name(result.status) +
            (result.status == evm::Status::revert ? " " + describe_revert(result.output)
                                                  : std::string()));
  const Bytes& code = result.output;
  if (code.empty()) return make_error(Errc::invalid_argument, "init code returned no code");
  if (code.size() > evm::gas::max_code_size)
    return make_error(Errc::invalid_argument, "runtime code is over 24576 bytes");
  if (code[0] == 0xEF)
    return make_error(Errc::invalid_argument, "runtime code starts with 0xEF (EIP-3541)");
  evm::Bytes32 hash = evm::keccak256(code);
  evm_state.set_code(evm_state.get(address), code);
  write_evm_changes(evm_state, state, state);
  return hash;
}

std::string contract_code_in_force_state_key(const evm::Bytes32& code_hash) {
  return "contract/code-in-force/" + code_hash.hex();
}

bool code_hash_was_in_force(const StateView& state, const evm::Bytes32& code_hash) {
  return state.get(contract_code_in_force_state_key(code_hash)).has_value();
}

namespace {

void record_version(StateOverlay& state, const ContractVersion& v) {
  Bytes encoded = encode_contract_version(v);
  state.put(contract_code_in_force_state_key(v.code_hash), encoded);
  state.put(contract_version_state_key(), std::move(encoded));
}

}  // namespace

Status adopt_contract_version(StateOverlay& state, const ContractProposal& p, std::uint64_t height,
                              std::uint64_t time_ms) {
  auto current = load_contract_version(state);
  if (!current) return current.error();
  auto hash = install_contract_code(state, current->address, p.init_code, current->gas_cap, height,
                                    time_ms);
  if (!hash)
    return make_error(hash.error().code, "the proposed contract's " + hash.error().message);
  ContractVersion next = *current;
  next.code_hash = *hash;
  next.version = current->version + 1;
  next.height = height;
  next.source_hash = sha256(as_bytes(p.source));
  next.compiler = p.compiler;
  record_version(state, next);
  return Status::ok();
}

std::vector<StateChange> consent_contract_genesis_changes(const std::vector<std::string>& members,
                                                          std::uint64_t time_ms) {
  struct Empty final : StateView {
    std::optional<Bytes> get(const std::string&) const override { return std::nullopt; }
  } empty;
  StateOverlay state(empty);
  auto hash = install_contract_code(state, consent_contract_address(), consent_contract_init_code(),
                                    kConsentContractGasCap, 0, time_ms);
  // The build compiled this code; failing to deploy it is a bug in the build, not an input.
  if (!hash || *hash != evm::keccak256(consent_contract_runtime_code())) std::abort();
  ContractVersion v;
  v.address = consent_contract_address();
  v.code_hash = *hash;
  v.compiler = std::string(consent_contract_compiler());
  record_version(state, v);
  for (const auto& did : members) {
    auto s = set_member_in_contract(state, did, true, 0, time_ms);
    if (!s) std::abort();
  }
  return state.changes();
}

}  // namespace pv
