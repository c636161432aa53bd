// Batch lines of `pv evm exec --batch` that exercise a compiled Solidity contract, for the EVM
// differential tests (tests/evm/evm_differential_test.cpp): compiles SOURCE with the pinned solc
// (tests/interop/package.json) twice, optimized (200 runs) at 0x…c0d1 and unoptimized at
// 0x…c0d2, both for Cancun, then writes COUNT lines, each a sequence of calls on one state:
// the contract's functions with ABI-encoded arguments drawn from a few patients, readers,
// records and grants (so that calls succeed, revert with reasons and custom errors, and check
// both ways), plus unknown selectors, short call data, out-of-range arguments, value sent to
// functions that are not payable and gas budgets that run out. Seeded: the same SEED gives the
// same lines.
// Usage: node solidity_cases.mjs SOURCE CONTRACT SEED COUNT OUT
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import solc from 'solc';

const [source, contractName, seedText, countText, outFile] = process.argv.slice(2);
if (!outFile) {
  console.error('usage: node solidity_cases.mjs SOURCE CONTRACT SEED COUNT OUT');
  process.exit(2);
}

function compile(optimize) {
  const unit = basename(source);
  const input = {
    language: 'Solidity',
    sources: { [unit]: { content: readFileSync(source, 'utf8') } },
    settings: {
      optimizer: { enabled: optimize, runs: 200 },
      evmVersion: 'cancun',
      outputSelection: { '*': { '*': ['evm.deployedBytecode.object', 'evm.methodIdentifiers'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) {
    console.error(errors.map((e) => e.formattedMessage).join('\n'));
    process.exit(1);
  }
  const c = output.contracts[unit][contractName];
  return { code: '0x' + c.evm.deployedBytecode.object, selectors: c.evm.methodIdentifiers };
}

// mulberry32: a small seeded generator, enough to pick test inputs.
let state = Number(seedText) >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const below = (n) => Math.floor(random() * n);
const pick = (items) => items[below(items.length)];

const word = (n) => BigInt(n).toString(16).padStart(64, '0');
const address = (last) => '0x' + last.toString(16).padStart(40, '0');
const patients = [0xa1, 0xa2, 0xa3];
const readers = [0xb1, 0xb2, 0xb3];
const records = [1, 2, 3, 4, 5];
const grants = [0x11, 0x12, 0x13, 0x14, 0x15, 0x16];
const optimized = compile(true);
const plain = compile(false);
const selector = (signature) => optimized.selectors[signature];

function call(to) {
  const k = below(100);
  let caller = pick([...patients, ...readers]);
  let data;
  const time = pick([1000, 5000, 9000]);
  if (k < 15) {
    data = selector('anchor(bytes32)') + word(pick(records));
    caller = pick(patients);
  } else if (k < 35) {
    const purposes = pick([0, 1, 2, 3, 0xff, 0xffffffffffffffffn]);
    data = selector('grant(bytes32,bytes32,address,uint64,uint64)') + word(pick(grants)) +
      word(pick(records)) + word(pick([...readers, 0])) + word(purposes) + word(pick([2000, 8000]));
    caller = pick(patients);
  } else if (k < 45) {
    data = selector('revoke(bytes32)') + word(pick(grants));
  } else if (k < 80) {
    const name = k < 65 ? 'check' : 'checkAndCount';
    const purpose = below(10) === 0 ? 256 + below(5) : below(8); // >= 256 does not decode
    data = selector(`${name}(bytes32,bytes32,address,uint8,uint64)`) + word(pick(grants)) +
      word(pick(records)) + word(pick([...readers, ...patients])) + word(purpose) + word(time);
  } else if (k < 86) {
    const getter = pick(['patientOf(bytes32)', 'grants(bytes32)', 'grantCount(address)', 'checks()']);
    data = selector(getter) + (getter === 'checks()' ? '' : word(pick([...records, ...grants, ...readers])));
  } else if (k < 90) {
    data = pick(['deadbeef', '', '12']); // an unknown selector, no call data, a partial selector
  } else if (k < 95) {
    data = selector('check(bytes32,bytes32,address,uint8,uint64)') + word(1).slice(0, 40); // short
  } else {
    data = selector('anchor(bytes32)') + word(pick(records));
  }
  const gas = below(10) === 0 ? 21000 + below(40000) : 300000;
  const value = k >= 95 ? '1' : '0'; // nothing here is payable
  return { to, caller: address(caller), input: '0x' + data, gas, value };
}

const lines = [];
for (let i = 0; i < Number(countText); i++) {
  const to = address(below(2) === 0 ? 0xc0d1 : 0xc0d2);
  const calls = [];
  const n = 10 + below(21);
  for (let j = 0; j < n; j++) calls.push(call(to));
  lines.push(JSON.stringify({
    contracts: [
      { address: address(0xc0d1), code: optimized.code },
      { address: address(0xc0d2), code: plain.code },
      ...patients.concat(readers).map((a) => ({ address: address(a), balance: '100' })),
    ],
    calls,
  }));
}
writeFileSync(outFile, lines.join('\n') + '\n');
