// Batch lines of `pv evm exec --batch` that drive the ledger's consent contract
// (contracts/ConsentRules.sol) for the EVM differential tests: compiles SOURCE with the pinned
// solc (tests/interop/package.json; the same version contracts/ pins) and the settings file the
// build uses, places the runtime code at 0x…c0d1, and writes COUNT seeded sequences of calls on
// one state: membership changes from the ledger's address (and from others), record anchors by
// authors, records and category consents granted and revoked by patients (with mistakes: own
// consent, non-member organization, ended, empty, someone else's record, twice), and decisions
// for patients, authors, grantees, organizations vouching and emergency readers.
// Usage: node consent_rules_cases.mjs SOURCE SETTINGS SEED COUNT OUT
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import solc from 'solc';

const [source, settingsFile, seedText, countText, outFile] = process.argv.slice(2);
if (!outFile) {
  console.error('usage: node consent_rules_cases.mjs SOURCE SETTINGS SEED COUNT OUT');
  process.exit(2);
}
const unit = basename(source);
const settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
settings.outputSelection = { '*': { '*': ['evm.deployedBytecode.object', 'evm.methodIdentifiers'] } };
const output = JSON.parse(solc.compile(JSON.stringify({
  language: 'Solidity',
  sources: { [unit]: { content: readFileSync(source, 'utf8') } },
  settings,
})));
const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
if (errors.length > 0) {
  console.error(errors.map((e) => e.formattedMessage).join('\n'));
  process.exit(1);
}
const compiled = output.contracts[unit].ConsentRules;
const selectors = compiled.evm.methodIdentifiers;
const selector = (name) => selectors[Object.keys(selectors).find((k) => k.startsWith(name + '('))];

let state = Number(seedText) >>> 0; // mulberry32
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
const address = (n) => '0x' + n.toString(16).padStart(40, '0');

const ledger = 0x7076;
const orgs = [0x0a01, 0x0a02, 0x0a03];
const authors = [0x0b01, 0x0b02];
const patients = [0x0c01, 0x0c02, 0x0c03];
const readers = [0x0d01, 0x0d02, 0x0d03];
const records = [1, 2, 3, 4, 5, 6];
const categories = [0xca1, 0xca2];
const consents = [0x11, 0x12, 0x13, 0x14, 0x15];
const times = [1000, 5000, 9000, 20000];
const purposes = [0, 1, 1, 2, 8, 9]; // one bit each (0: unknown; 8 is ETREAT; 9 two bits)
const recentGrants = []; // the terms of this sequence's grants, to ask about them
const patientOf = (record) => patients[record % patients.length];
const array = (items) => word(items.length) + items.map(word).join('');

function call() {
  const k = below(100);
  let caller;
  let data;
  if (k < 6) {
    caller = below(8) === 0 ? pick(readers) : ledger;
    data = selector('setMember') + word(pick(orgs)) + word(below(4) === 0 ? 0 : 1);
  } else if (k < 14) {
    caller = pick(authors);
    data = selector('anchorRecord') + word(pick(records)) + word(pick(patients)) + word(pick(categories));
  } else if (k < 44) {
    caller = pick(patients);
    const byOrg = below(3) === 0;
    const terms = [
      byOrg ? pick(orgs) : pick([...readers, ...patients]),
      byOrg ? 2 : 1,
      pick([1, 1, 2]),
      pick(categories),
      pick([0, 2, 2, 3, 31]),
      pick([0, 1, 1, 3, 8, 0xff]),
      pick([0, 3000]),
      pick([4000, 15000, 30000]),
    ];
    // Mostly the patient's own records (each record's patient is fixed below), sometimes not.
    const own = records.filter((r) => patientOf(r) === caller);
    const scope = Array.from({ length: below(4) }, () => (below(5) === 0 ? pick(records) : pick(own)));
    recentGrants.push({ grantee: terms[0], byOrg, scope, purposes: terms[5] });
    const head = 32 * (1 + terms.length + 2);
    data = selector('grant') + word(pick(consents)) + terms.map(word).join('') + word(head) +
      word(pick(times)) + array(scope);
  } else if (k < 52) {
    caller = pick(patients);
    data = selector('revoke') + word(pick(consents)) + word(pick(times));
  } else if (k < 96) {
    caller = pick([...readers, ...patients]);
    let vouching = Array.from({ length: below(3) }, () => pick(orgs));
    let reader = pick([...readers, ...patients, ...authors]);
    let record = pick(records);
    let purpose = pick(purposes);
    const g = recentGrants.length > 0 && below(2) === 0 ? pick(recentGrants) : undefined;
    if (g !== undefined) { // ask what a recent grant may answer (if it was valid)
      if (g.byOrg) vouching = [g.grantee];
      else reader = g.grantee;
      if (g.byOrg) reader = pick(readers);
      if (g.scope.length > 0) record = pick(g.scope);
      purpose = pick([1, 2, 8].filter((bit) => (BigInt(g.purposes) & BigInt(bit)) !== 0n).concat([1]));
    }
    data = selector('decide') + word(reader) + word(32 * 8) + word(record) +
      word(pick([2, 2, 2, 4])) + word(purpose) + word(pick([1000, 5000, 5000, 9000, 20000])) +
      word(below(5) === 0 ? 1 : 0) + word(pick(orgs)) + array(vouching);
  } else if (k < 98) {
    caller = pick(readers);
    data = selector('isMember') + word(pick(orgs));
  } else {
    caller = pick(readers);
    data = pick(['', 'deadbeef', selector('decide') + word(1)]);
  }
  const gas = below(12) === 0 ? 25000 + below(60000) : 500000;
  return { to: address(0xc0d1), caller: address(caller), input: '0x' + data, gas, value: '0' };
}

const lines = [];
for (let i = 0; i < Number(countText); i++) {
  const calls = [];
  recentGrants.length = 0;
  // Membership first, as genesis does, then a history.
  for (const o of orgs.slice(0, 2))
    calls.push({ to: address(0xc0d1), caller: address(ledger), input: '0x' + selector('setMember') + word(o) + word(1), gas: 100000, value: '0' });
  for (const r of records.slice(0, 4))
    calls.push({ to: address(0xc0d1), caller: address(pick(authors)), input: '0x' + selector('anchorRecord') + word(r) + word(patientOf(r)) + word(categories[r % 2]), gas: 200000, value: '0' });
  const n = 15 + below(26);
  for (let j = 0; j < n; j++) calls.push(call());
  lines.push(JSON.stringify({
    contracts: [{ address: address(0xc0d1), code: '0x' + compiled.evm.deployedBytecode.object }],
    calls,
  }));
}
writeFileSync(outFile, lines.join('\n') + '\n');
