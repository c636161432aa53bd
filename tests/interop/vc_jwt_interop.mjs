// Cross-checks PatientVault's role credentials (VC-JWT, EdDSA) against jose, an independent
// JOSE implementation. Driven by tests/unit/vc_jwt_interop_test.cpp.
//
//   node vc_jwt_interop.mjs verify <jwt> <issuer-public-key-hex>
//     Verifies with jose's jwtVerify and checks the vc claim; prints the header and claims as
//     JSON and exits 0, or prints {"error": ...} and exits 1.
//   node vc_jwt_interop.mjs issue <seed-hex> <issuer-did> <subject-did>
//     Issues a role credential with jose's SignJWT, valid for one hour; prints the JWT.
import { createPrivateKey } from 'node:crypto';
import { SignJWT, importJWK, jwtVerify } from 'jose';

const VC_CONTEXT_V1 = 'https://www.w3.org/2018/credentials/v1';
const ROLE_TYPE = 'PractitionerRoleCredential';

function fail(message) {
  process.stdout.write(JSON.stringify({ error: message }) + '\n');
  process.exit(1);
}

function hexBytes(hex, length, what) {
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length !== 2 * length) fail(`${what} must be ${length} bytes of hex`);
  return Buffer.from(hex, 'hex');
}

// The vc claim of a role credential, as PatientVault defines it (docs/credentials.md).
function checkRoleCredential(header, claims) {
  if (typeof header.kid !== 'string' || !header.kid.startsWith(`${claims.iss}#`)) throw new Error('kid is not a key of iss');
  const vc = claims.vc;
  if (typeof vc !== 'object' || vc === null) throw new Error('no vc claim');
  if (!Array.isArray(vc['@context']) || vc['@context'][0] !== VC_CONTEXT_V1) throw new Error('bad @context');
  if (!Array.isArray(vc.type) || !vc.type.includes('VerifiableCredential') || !vc.type.includes(ROLE_TYPE)) {
    throw new Error('bad type');
  }
  const subject = vc.credentialSubject;
  if (typeof subject !== 'object' || subject === null || subject.id !== claims.sub) throw new Error('credentialSubject.id != sub');
  for (const field of ['role', 'licenseNumber', 'organization']) {
    if (typeof subject[field] !== 'string' || subject[field] === '') throw new Error(`credentialSubject.${field} missing`);
  }
  for (const claim of ['iss', 'sub', 'jti']) if (typeof claims[claim] !== 'string') throw new Error(`${claim} missing`);
  for (const claim of ['nbf', 'exp']) if (typeof claims[claim] !== 'number') throw new Error(`${claim} missing`);
}

async function verify(jwt, publicKeyHex) {
  const x = hexBytes(publicKeyHex, 32, 'public key').toString('base64url');
  const key = await importJWK({ kty: 'OKP', crv: 'Ed25519', x }, 'EdDSA');
  const { payload, protectedHeader } = await jwtVerify(jwt, key, { algorithms: ['EdDSA'], typ: 'JWT' });
  checkRoleCredential(protectedHeader, payload);
  process.stdout.write(JSON.stringify({ header: protectedHeader, claims: payload }) + '\n');
}

async function issue(seedHex, issuerDid, subjectDid) {
  const seed = hexBytes(seedHex, 32, 'seed');
  // PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): fixed prefix, then the 32 bytes.
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const methodId = issuerDid.startsWith('did:key:') ? issuerDid.slice('did:key:'.length) : 'key-1';
  const now = Math.floor(Date.now() / 1000);
  const jwt = await new SignJWT({
    vc: {
      '@context': [VC_CONTEXT_V1],
      type: ['VerifiableCredential', ROLE_TYPE],
      credentialSubject: {
        id: subjectDid,
        role: 'nurse',
        licenseNumber: 'RN-INTEROP-7',
        organization: 'Interop General Hospital',
      },
    },
  })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: `${issuerDid}#${methodId}` })
    .setIssuer(issuerDid)
    .setSubject(subjectDid)
    .setJti(`urn:uuid:${crypto.randomUUID()}`)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + 3600)
    .sign(key);
  process.stdout.write(jwt + '\n');
}

const [mode, ...args] = process.argv.slice(2);
try {
  if (mode === 'verify' && args.length === 2) await verify(args[0], args[1]);
  else if (mode === 'issue' && args.length === 3) await issue(args[0], args[1], args[2]);
  else fail('usage: vc_jwt_interop.mjs verify <jwt> <issuer-public-key-hex> | issue <seed-hex> <issuer-did> <subject-did>');
} catch (e) {
  fail(`${e.code ?? e.name}: ${e.message}`);
}
