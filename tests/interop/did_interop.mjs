// Cross-checks PatientVault's identity formats against independent implementations from npm:
//   - did-jwt-vc (+ did-jwt, did-resolver, key-did-resolver): W3C VC-JWT issue and verify;
//   - @digitalbazaar/did-method-key with the Ed25519VerificationKey2020 and
//     X25519KeyAgreementKey2020 suites, and key-did-resolver: did:key DID documents.
// Everything runs offline. Driven by tests/unit/did_interop_test.cpp and
// tests/e2e/org_credential_test.cpp.
//
//   node did_interop.mjs vc-verify <jwt>
//     did-jwt-vc verifyCredential, the issuer resolved as did:key; prints {"issuer", "payload"}.
//   node did_interop.mjs vc-issue <seed-hex> <issuer-did> <subject-did> <organization>
//     did-jwt-vc createVerifiableCredentialJwt (EdDSA), valid for one hour; prints the JWT.
//   node did_interop.mjs did-key <did>
//     prints {"digitalbazaar": <document>, "keyDidResolver": <document>}.
// Failures print {"error": ...} and exit 1.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import * as DidKey from '@digitalbazaar/did-method-key';
import { Ed25519VerificationKey2020 } from '@digitalbazaar/ed25519-verification-key-2020';
import { X25519KeyAgreementKey2020 } from '@digitalbazaar/x25519-key-agreement-key-2020';
import { EdDSASigner } from 'did-jwt';
import { createVerifiableCredentialJwt, verifyCredential } from 'did-jwt-vc';
import { Resolver } from 'did-resolver';
import { getResolver as keyDidResolver } from 'key-did-resolver';

const VC_CONTEXT_V1 = 'https://www.w3.org/2018/credentials/v1';
const ROLE_TYPE = 'PractitionerRoleCredential';

function fail(message) {
  process.stdout.write(JSON.stringify({ error: message }) + '\n');
  process.exit(1);
}

const resolver = new Resolver(keyDidResolver());

async function vcVerify(jwt) {
  const verified = await verifyCredential(jwt, resolver);
  const vc = verified.payload.vc;
  if (!vc.type.includes(ROLE_TYPE)) throw new Error('not a role credential');
  const header = JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString('utf8'));
  process.stdout.write(JSON.stringify({ issuer: verified.issuer, header, payload: verified.payload }) + '\n');
}

async function vcIssue(seedHex, issuerDid, subjectDid, organization) {
  if (!/^[0-9a-f]{64}$/.test(seedHex)) fail('seed must be 32 bytes of lower-case hex');
  const seed = Buffer.from(seedHex, 'hex');
  // The raw public key from the seed via Node's own Ed25519 (PKCS#8 prefix of RFC 8410).
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const spki = createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' });
  const publicKey = spki.subarray(spki.length - 32);
  const signer = EdDSASigner(new Uint8Array(Buffer.concat([seed, publicKey])));
  const now = Math.floor(Date.now() / 1000);
  const methodId = issuerDid.slice('did:key:'.length);
  const jwt = await createVerifiableCredentialJwt(
    {
      sub: subjectDid,
      nbf: now,
      exp: now + 3600,
      jti: `urn:uuid:${crypto.randomUUID()}`,
      vc: {
        '@context': [VC_CONTEXT_V1],
        type: ['VerifiableCredential', ROLE_TYPE],
        credentialSubject: { role: 'emergency-clinician', licenseNumber: 'EC-DIDJWT-3', organization },
      },
    },
    { did: issuerDid, signer, alg: 'EdDSA' },
    { header: { kid: `${issuerDid}#${methodId}` } },
  );
  process.stdout.write(jwt + '\n');
}

async function didKey(did) {
  const driver = DidKey.driver();
  driver.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519VerificationKey2020.from });
  driver.use({ multibaseMultikeyHeader: 'z6LS', fromMultibase: X25519KeyAgreementKey2020.from });
  const digitalbazaar = await driver.get({ did });
  const ceramic = await resolver.resolve(did);
  if (ceramic.didResolutionMetadata.error) throw new Error(`key-did-resolver: ${ceramic.didResolutionMetadata.error}`);
  process.stdout.write(JSON.stringify({ digitalbazaar, keyDidResolver: ceramic.didDocument }) + '\n');
}

const [mode, ...args] = process.argv.slice(2);
try {
  if (mode === 'vc-verify' && args.length === 1) await vcVerify(args[0]);
  else if (mode === 'vc-issue' && args.length === 4) await vcIssue(...args);
  else if (mode === 'did-key' && args.length === 1) await didKey(args[0]);
  else fail('usage: did_interop.mjs vc-verify <jwt> | vc-issue <seed-hex> <issuer-did> <subject-did> <organization> | did-key <did>');
} catch (e) {
  fail(`${e.code ?? e.name}: ${e.message}`);
}
