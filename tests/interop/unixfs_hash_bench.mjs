// Benchmark side (bench/run.sh): the reference JS UnixFS importer hashing a file with Kubo's
// `ipfs add --cid-version=1` settings, blocks discarded (nothing stored), so the figure is
// chunk + hash + encode only. Prints {"cid", "bytes", "seconds", "GBps"}.
//
//   node unixfs_hash_bench.mjs FILE
import { createReadStream, statSync } from 'node:fs';
import { importer } from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { balanced } from 'ipfs-unixfs-importer/layout';

const path = process.argv[2];
const discard = { async put(cid) { return cid; } };
const start = process.hrtime.bigint();
let root;
for await (const entry of importer([{ content: createReadStream(path, { highWaterMark: 1 << 20 }) }], discard, {
  cidVersion: 1, rawLeaves: true, chunker: fixedSize({ chunkSize: 262144 }),
  layout: balanced({ maxChildrenPerNode: 174 }), reduceSingleLeafToSelf: true,
})) root = entry.cid;
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const bytes = statSync(path).size;
console.log(JSON.stringify({ figure: 'js-unixfs-importer-hash', cid: root.toString(), bytes, seconds: +seconds.toFixed(3), GBps: +(bytes / seconds / 1e9).toFixed(3) }));
