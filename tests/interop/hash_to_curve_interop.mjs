// RFC 9380 hash_to_curve with suite P256_XMD:SHA-256_SSWU_RO_ by @noble/curves, an independent
// implementation, for tests/zk/hash_to_curve_test.cpp.
// Usage: node hash_to_curve_interop.mjs DST_HEX MSG_HEX...   prints one compressed point per line.
import { p256_hasher } from '@noble/curves/nist.js';

const [dstHex, ...msgs] = process.argv.slice(2);
const dst = Buffer.from(dstHex, 'hex');
for (const m of msgs) {
  const msg = Buffer.from(m === '-' ? '' : m, 'hex');
  const point = p256_hasher.hashToCurve(msg, { DST: dst });
  console.log(Buffer.from(point.toRawBytes(true)).toString('hex'));
}
