// The independent side of PatientVault's content interop test (tests/unit/content_interop_test.cpp):
// the reference JS UnixFS importer and the @ipld/car reader and writer.
//
//   node content_interop.mjs cid FILE          -> {"cid": "...", "blocks": N}
//   node content_interop.mjs car-write FILE OUT -> imports FILE, writes every block to the CAR OUT
//                                                 (root in the header), prints {"cid": ...}
//   node content_interop.mjs car-read CAR       -> {"roots": [...], "blocks": [{"cid", "size"}]},
//                                                 after checking every block hashes to its CID
//
// Import settings are Kubo's for `ipfs add --cid-version=1`: raw leaves, fixed 262144-byte
// chunks, balanced layout with at most 174 links, a one-chunk file reduced to its raw leaf.
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { importer } from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { balanced } from 'ipfs-unixfs-importer/layout';
import { CarWriter, CarBlockIterator } from '@ipld/car';

const kuboV1 = {
  cidVersion: 1,
  rawLeaves: true,
  chunker: fixedSize({ chunkSize: 262144 }),
  layout: balanced({ maxChildrenPerNode: 174 }),
  reduceSingleLeafToSelf: true,
  fieldOrder: 'links-first',
  wrapWithDirectory: false,
};

// Keeps each distinct block once, in the order the importer first wrote it.
class RecordingStore {
  constructor() { this.blocks = new Map(); }
  async put(cid, bytes) {
    const key = cid.toString();
    if (!this.blocks.has(key)) this.blocks.set(key, { cid, bytes });
    return cid;
  }
}

async function importFile(path) {
  const store = new RecordingStore();
  let root;
  for await (const entry of importer([{ content: createReadStream(path) }], store, kuboV1)) root = entry.cid;
  return { root, store };
}

function sha256(bytes) { return createHash('sha256').update(bytes).digest(); }

const [cmd, a, b] = process.argv.slice(2);
if (cmd === 'cid') {
  const { root, store } = await importFile(a);
  console.log(JSON.stringify({ cid: root.toString(), blocks: store.blocks.size }));
} else if (cmd === 'car-write') {
  const { root, store } = await importFile(a);
  const { writer, out } = CarWriter.create([root]);
  const done = pipeline(Readable.from(out), createWriteStream(b));
  for (const block of store.blocks.values()) await writer.put(block);
  await writer.close();
  await done;
  console.log(JSON.stringify({ cid: root.toString(), blocks: store.blocks.size }));
} else if (cmd === 'car-read') {
  const reader = await CarBlockIterator.fromIterable(createReadStream(a));
  const roots = (await reader.getRoots()).map(String);
  const blocks = [];
  for await (const { cid, bytes } of reader) {
    if (cid.multihash.code !== 0x12 || !sha256(bytes).equals(Buffer.from(cid.multihash.digest))) {
      console.error(`block ${cid} does not hash to its CID`);
      process.exit(3);
    }
    blocks.push({ cid: cid.toString(), size: bytes.length });
  }
  console.log(JSON.stringify({ roots, blocks }));
} else {
  console.error('usage: content_interop.mjs cid FILE | car-write FILE OUT | car-read CAR');
  process.exit(2);
}
