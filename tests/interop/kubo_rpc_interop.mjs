// The independent side of PatientVault's Kubo RPC interop test
// (tests/e2e/kubo_rpc_interop_test.cpp): kubo-rpc-client, the Kubo project's own JS client,
// against a real `pv node` process.
//
//   node kubo_rpc_interop.mjs http://127.0.0.1:PORT
//
// Adds a 3-chunk random file and checks its CID against ipfs-unixfs-importer (Kubo's
// --cid-version=1 layout), reads it back with cat, reads every block with block.get and checks
// it against its CID, walks pin ls / rm / add, then adds a second file without pinning it and
// runs repo.gc (the node runs with a grace period of 0): the second file's blocks are removed,
// the pinned file's are not. Prints one JSON line; exit 1 on failure.
import { randomBytes } from 'node:crypto';
import { create } from 'kubo-rpc-client';
import { importer } from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { balanced } from 'ipfs-unixfs-importer/layout';
import { sha256 } from 'multiformats/hashes/sha2';
import { CID } from 'multiformats/cid';

const fail = (msg) => { console.log(JSON.stringify({ ok: false, error: msg })); process.exit(1); };
const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

async function referenceCid(bytes) {
  const blocks = { async put(cid) { return cid; } };
  let last;
  for await (const entry of importer([{ content: bytes }], blocks, {
    cidVersion: 1, rawLeaves: true, chunker: fixedSize({ chunkSize: 262144 }),
    layout: balanced({ maxChildrenPerNode: 174 }), reduceSingleLeafToSelf: true,
  })) last = entry;
  return last.cid.toString();
}

async function pinned(ipfs) {
  const out = [];
  for await (const p of ipfs.pin.ls()) out.push(p.cid.toString());
  return out;
}

const url = process.argv[2];
const ipfs = create({ url: `${url}/api/v0` });
const data = new Uint8Array(randomBytes(3 * 262144 - 1000));

const added = await ipfs.add(data);
const cid = added.cid.toString();
const expected = await referenceCid(data);
if (cid !== expected) fail(`add gave ${cid}, ipfs-unixfs-importer gives ${expected}`);

const parts = [];
for await (const chunk of ipfs.cat(added.cid)) parts.push(chunk);
const back = new Uint8Array(Buffer.concat(parts));
if (!equal(back, data)) fail(`cat returned ${back.length} bytes that differ from the file`);

// block.get on the root and on every link: each must hash to its CID.
const root = await ipfs.block.get(added.cid);
const rootDigest = await sha256.digest(root);
if (!equal(rootDigest.bytes, added.cid.multihash.bytes)) fail('block.get(root) does not match its CID');
const linkCids = [];
// dag-pb links: find the 36-byte CIDv1 raw-leaf prefixes (0x01 0x55 0x12 0x20) in the root.
for (let i = 0; i + 36 <= root.length; i++) {
  if (root[i] === 0x01 && root[i + 1] === 0x55 && root[i + 2] === 0x12 && root[i + 3] === 0x20)
    linkCids.push(CID.decode(root.subarray(i, i + 36)));
}
if (linkCids.length !== 3) fail(`expected 3 leaf links in the root, found ${linkCids.length}`);
let leafBytes = 0;
for (const leaf of linkCids) {
  const bytes = await ipfs.block.get(leaf);
  const d = await sha256.digest(bytes);
  if (!equal(d.bytes, leaf.multihash.bytes)) fail(`block.get(${leaf}) does not match its CID`);
  leafBytes += bytes.length;
}
if (leafBytes !== data.length) fail(`leaves hold ${leafBytes} bytes, the file ${data.length}`);

if (!(await pinned(ipfs)).includes(cid)) fail('add did not pin the file');
const removed = [];
for await (const c of ipfs.pin.rmAll([{ cid: added.cid }])) removed.push(c.toString());
if (removed[0] !== cid) fail(`pin.rm answered ${removed}`);
if ((await pinned(ipfs)).includes(cid)) fail('pin.rm left the pin');
const repinned = await ipfs.pin.add(added.cid);
if (repinned.toString() !== cid) fail(`pin.add answered ${repinned}`);
if (!(await pinned(ipfs)).includes(cid)) fail('pin.add did not pin');

// A Kubo-shaped error for a block the node does not have.
const missing = CID.createV1(0x55, await sha256.digest(new Uint8Array(randomBytes(32))));
let message = null;
try { await ipfs.block.get(missing); } catch (e) { message = e.message; }
if (message === null || !message.includes(missing.toString()))
  fail(`block.get of a missing block should fail naming it, got: ${message}`);

// Garbage collection: an unpinned file goes, the pinned one stays.
const loose = await ipfs.add(new Uint8Array(randomBytes(2 * 262144 + 5)), { pin: false });
const collected = [];
for await (const r of ipfs.repo.gc()) {
  if (r.err) fail(`repo.gc reported an error: ${r.err}`);
  collected.push(r.cid);
}
const collectedHashes = collected.map((c) => c.multihash.bytes.join(','));
if (!collectedHashes.includes(loose.cid.multihash.bytes.join(',')))
  fail(`repo.gc did not remove the unpinned file's root ${loose.cid}; removed ${collected}`);
if (collected.length !== 4) fail(`repo.gc removed ${collected.length} blocks, expected the 4 of the unpinned file`);
if (collectedHashes.includes(added.cid.multihash.bytes.join(','))) fail('repo.gc removed the pinned root');
const again = [];
for await (const chunk of ipfs.cat(added.cid)) again.push(chunk);
if (!equal(new Uint8Array(Buffer.concat(again)), data)) fail('the pinned file changed after repo.gc');
let gone = null;
try { for await (const _ of ipfs.cat(loose.cid)) { /* drain */ } } catch (e) { gone = e.message; }
if (gone === null) fail('the collected file can still be read');

console.log(JSON.stringify({ ok: true, cid, bytes: data.length, leaves: linkCids.length, missingError: message, collected: collected.length }));
