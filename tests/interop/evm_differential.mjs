// The independent EVM of the differential tests (tests/e2e/evm_differential_test.cpp):
// @ethereumjs/evm at the Cancun fork runs the same JSON lines as `pv evm exec --batch` and
// prints its answers in the same form, one line per input line.
// Usage: node evm_differential.mjs FILE [OUT]   (answers to OUT, else to stdout)
//
// A line: {"code", "input", "gas", "caller", "value", "contracts": [{"address", "code",
// "balance", "storage": {slot: value}}], "calls": [{"to", "input", "gas", "caller", "value"}]}
// (docs/evm.md). Each call is applied as `pv evm exec` applies it: our chain's block constants
// (chain id 0x7076, coinbase and base fee zero, blob base fee 1, block 0, time 0, gas limit =
// the call's gas), the value credited to the caller first, the caller, the callee, the coinbase
// and the precompiles warm, no nonce change, and warm sets, transient storage, self-destructed
// and touched empty accounts settled between calls.
import { readFileSync, writeFileSync } from 'node:fs';
import { createCustomCommon, Hardfork, Mainnet } from '@ethereumjs/common';
import { createEVM } from '@ethereumjs/evm';
import { SimpleStateManager } from '@ethereumjs/statemanager';
import {
  Account,
  Address,
  bytesToHex,
  createZeroAddress,
  hexToBytes,
  setLengthLeft,
  bigIntToBytes,
} from '@ethereumjs/util';

// A Common per line: each EVM adds a listener to its Common, so a shared one would keep every
// EVM of the batch alive (gigabytes over the long run).
const newCommon = () =>
  createCustomCommon({ chainId: 0x7076 }, Mainnet, { hardfork: Hardfork.Cancun });
const codeRunAddress = '0x000000000000000000000000000000000000c0de';

// Our names for how a frame ended (src/evm/vm.cpp, status_name).
const statusOf = {
  'out of gas': 'out-of-gas',
  'code store out of gas': 'out-of-gas',
  revert: 'revert',
  'invalid opcode': 'invalid',
  'stack underflow': 'stack-underflow',
  'stack overflow': 'stack-overflow',
  'invalid JUMP': 'bad-jump-destination',
  'static state change': 'static-mode-violation',
  'value out of range': 'invalid-memory-access',
  'code size to deposit exceeds maximum code size': 'contract-validation-failure',
  'invalid bytecode deployed': 'contract-validation-failure',
  'create collision': 'create-collision',
  'insufficient balance': 'insufficient-balance',
  // EIP-3860: init code over 49152 bytes is an exceptional halt; we name it out of gas.
  'initcode exceeds max initcode size': 'out-of-gas',
};
// Some messages carry details after the name ("invalid JUMP at ...").
const ourStatus = (error) => {
  for (const [message, name] of Object.entries(statusOf))
    if (error === message || error.startsWith(message + ' ')) return name;
  return `ethereumjs: ${error}`;
};

const hex = (bytes) => (bytes.length === 0 ? '0x' : bytesToHex(bytes));
const evenHex = (text) => {
  let t = (text ?? '').trim();
  if (t.startsWith('0x') || t.startsWith('0X')) t = t.slice(2);
  return '0x' + t;
};
const word = (text) => BigInt(text ?? '0');
const word32 = (n) => bytesToHex(setLengthLeft(bigIntToBytes(n), 32));
const address = (text) => new Address(hexToBytes(evenHex(text)));
const valueOf = (bytes) => (bytes === undefined || bytes.length === 0 ? 0n : BigInt(bytesToHex(bytes)));

// The storage of every account, as a Map "address_slot" -> value (a bigint).
function storageSnapshot(stateManager) {
  const top = stateManager.topStorageStack();
  const copy = new Map();
  for (const [key, value] of top) copy.set(key, valueOf(value));
  return copy;
}

function storageWrites(before, after) {
  const writes = {};
  const keys = new Set([...before.keys(), ...after.keys()]);
  const changed = [];
  for (const key of keys) {
    const a = before.get(key) ?? 0n;
    const b = after.get(key) ?? 0n;
    if (a !== b) changed.push([key, b]);
  }
  changed.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  for (const [key, value] of changed) {
    const [addr, slot] = key.split('_');
    const slotWord = word32(BigInt(slot));
    (writes[addr] ??= {})[slotWord] = word32(value);
  }
  // Sorted by address, then by slot, as pv prints them.
  const sorted = {};
  for (const addr of Object.keys(writes).sort()) {
    sorted[addr] = {};
    for (const slot of Object.keys(writes[addr]).sort()) sorted[addr][slot] = writes[addr][slot];
  }
  return sorted;
}

async function runLine(line) {
  const common = newCommon();
  const stateManager = new SimpleStateManager({ common });
  const evm = await createEVM({ common, stateManager });
  const contracts = [...(line.contracts ?? [])];
  if ((line.code ?? '') !== '' || line.calls === undefined)
    contracts.push({ address: codeRunAddress, code: line.code ?? '' });
  for (const c of contracts) {
    const a = address(c.address);
    const code = hexToBytes(evenHex(c.code));
    await stateManager.putAccount(a, new Account(code.length > 0 ? 1n : 0n, word(c.balance)));
    if (code.length > 0) await stateManager.putCode(a, code);
    for (const [slot, value] of Object.entries(c.storage ?? {}))
      await stateManager.putStorage(a, setLengthLeft(bigIntToBytes(word(slot)), 32),
        bigIntToBytes(word(value)));
  }
  const calls = line.calls ?? [{ ...line, to: codeRunAddress }];
  const reports = [];
  for (const call of calls) {
    const caller = call.caller ? address(call.caller) : createZeroAddress();
    const to = address(call.to ?? codeRunAddress);
    const value = word(call.value);
    const gas = BigInt(call.gas ?? 10000000);
    if (value > 0n) {
      const account = (await stateManager.getAccount(caller)) ?? new Account();
      account.balance += value;
      await stateManager.putAccount(caller, account);
    }
    stateManager.originalStorageCache.clear();
    for (const a of [caller.toString(), to.toString(), createZeroAddress().toString()])
      evm.journal.addAlwaysWarmAddress(a);
    for (let p = 1; p <= 0x0a; p++)
      evm.journal.addAlwaysWarmAddress(bytesToHex(setLengthLeft(new Uint8Array([p]), 20)));
    const before = storageSnapshot(stateManager);
    const block = {
      header: {
        number: 0n,
        coinbase: createZeroAddress(),
        timestamp: 0n,
        difficulty: 0n,
        prevRandao: new Uint8Array(32),
        gasLimit: gas,
        baseFeePerGas: 0n,
        slotNumber: 0n,
        getBlobGasPrice: () => 1n,
      },
    };
    const result = await evm.runCall({
      block,
      gasPrice: 0n,
      caller,
      origin: caller,
      to,
      value,
      data: hexToBytes(evenHex(call.input)),
      gasLimit: gas,
      skipNonceIncrement: true,
    });
    const r = result.execResult;
    const error = r.exceptionError?.error;
    const status = error === undefined ? 'success' : ourStatus(error);
    const storage = storageWrites(before, storageSnapshot(stateManager));
    reports.push({
      status,
      gasUsed: Number(r.executionGasUsed),
      output: hex(r.returnValue),
      logs: (r.logs ?? []).map(([addr, topics, data]) => ({
        address: hex(addr),
        topics: topics.map((t) => hex(setLengthLeft(t, 32))),
        data: hex(data),
      })),
      storage,
    });
    // The end of a transaction: EIP-6780 self-destructs, EIP-161 touched empty accounts, warm
    // sets and transient storage.
    const created = r.createdAddresses ?? new Set();
    for (const addr of (r.selfdestruct ?? new Map()).keys()) {
      if (!created.has(addr)) continue; // EIP-6780: an older contract only gives its balance
      const a = address(addr);
      await stateManager.deleteAccount(a);
      await stateManager.clearStorage(a);
      stateManager.topCodeStack().delete(a.toString());
    }
    await evm.journal.cleanup();
    evm.transientStorage.clear();
  }
  return line.calls === undefined ? reports[0] : { calls: reports };
}

const [file, outFile] = process.argv.slice(2);
if (!file) {
  console.error('usage: node evm_differential.mjs FILE [OUT] (JSON lines, as for pv evm exec --batch)');
  process.exit(2);
}
const out = [];
for (const text of readFileSync(file, 'utf8').split('\n')) {
  if (text.trim() === '') continue;
  try {
    out.push(JSON.stringify(await runLine(JSON.parse(text))));
  } catch (e) {
    out.push(JSON.stringify({ error: `ethereumjs threw: ${e?.message ?? e}` }));
  }
}
const answers = out.length > 0 ? out.join('\n') + '\n' : '';
if (outFile) writeFileSync(outFile, answers);
else process.stdout.write(answers);
