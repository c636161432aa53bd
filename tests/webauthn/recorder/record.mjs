// Records a WebAuthn registration and two assertions from Chromium's virtual authenticator
// (DevTools Protocol WebAuthn domain) on a page served from http://localhost:PORT, and writes
// them as a test fixture (tests/data/webauthn/README.md says how to run it).
//
//   node tests/webauthn/recorder/record.mjs [--chromium /usr/bin/chromium] [--out FILE]

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const chromium = option('--chromium', '/usr/bin/chromium');
const out = option('--out', resolve(here, '../../data/webauthn/chromium-virtual-assertion.json'));

// Challenges stand for SHA-256(signing_message) of a transaction: 32 bytes we choose.
const sha256 = (text) => createHash('sha256').update(text).digest();
const registrationChallenge = sha256('PatientVault WebAuthn recording: registration');
const assertionChallenges = [
  sha256('PatientVault WebAuthn recording: assertion 1'),
  sha256('PatientVault WebAuthn recording: assertion 2'),
];

const page = `<!doctype html><meta charset="utf-8"><title>PatientVault WebAuthn recorder</title>
<p>recorder</p>`;
const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(page);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const port = server.address().port;
const origin = `http://localhost:${port}`;

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ['--no-sandbox', '--no-first-run', '--no-default-browser-check'],
});
try {
  const tab = await browser.newPage();
  await tab.goto(`${origin}/`);
  const cdp = await tab.createCDPSession();
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });

  const hex = (b) => Buffer.from(b).toString('hex');
  const recorded = await tab.evaluate(
    async (regChallengeHex, assertionChallengesHex) => {
      const fromHex = (h) => new Uint8Array(h.match(/../g).map((x) => parseInt(x, 16)));
      const toHex = (buf) =>
        [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
      const created = await navigator.credentials.create({
        publicKey: {
          rp: { id: 'localhost', name: 'PatientVault test' },
          user: {
            id: new TextEncoder().encode('patient-recording'),
            name: 'patient@example.org',
            displayName: 'Test Patient',
          },
          challenge: fromHex(regChallengeHex),
          pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
          authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
          attestation: 'none',
        },
      });
      const registration = {
        credential_id: toHex(created.rawId),
        attestation_object: toHex(created.response.attestationObject),
        client_data_json: toHex(created.response.clientDataJSON),
        authenticator_data: toHex(created.response.getAuthenticatorData()),
        public_key_spki: toHex(created.response.getPublicKey()),
        public_key_algorithm: created.response.getPublicKeyAlgorithm(),
      };
      const assertions = [];
      for (const c of assertionChallengesHex) {
        const got = await navigator.credentials.get({
          publicKey: {
            challenge: fromHex(c),
            rpId: 'localhost',
            allowCredentials: [{ type: 'public-key', id: created.rawId }],
            userVerification: 'required',
          },
        });
        assertions.push({
          challenge: c,
          credential_id: toHex(got.rawId),
          authenticator_data: toHex(got.response.authenticatorData),
          client_data_json: toHex(got.response.clientDataJSON),
          signature_der: toHex(got.response.signature),
          user_handle: got.response.userHandle ? toHex(got.response.userHandle) : null,
        });
      }
      return { registration, assertions };
    },
    hex(registrationChallenge),
    assertionChallenges.map(hex),
  );
  await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });

  const counter = (adHex) => parseInt(adHex.slice(66, 74), 16);
  const text = (h) => Buffer.from(h, 'hex').toString('utf8');
  const lock = JSON.parse(
    readFileSync(resolve(here, 'node_modules/puppeteer-core/package.json'), 'utf8'),
  );
  const fixture = {
    made_by: 'tests/webauthn/recorder/record.mjs',
    browser: await browser.version(),
    puppeteer_core: lock.version,
    authenticator: 'DevTools WebAuthn.addVirtualAuthenticator: ctap2, internal, hasResidentKey, hasUserVerification, isUserVerified',
    origin,
    rp_id: 'localhost',
    registration: {
      challenge: hex(registrationChallenge),
      ...recorded.registration,
      client_data_json_text: text(recorded.registration.client_data_json),
      counter: counter(recorded.registration.authenticator_data),
    },
    assertions: recorded.assertions.map((a) => ({
      ...a,
      client_data_json_text: text(a.client_data_json),
      counter: counter(a.authenticator_data),
    })),
  };
  writeFileSync(out, JSON.stringify(fixture, null, 2) + '\n');
  console.log(`recorded ${origin}: credential ${fixture.registration.credential_id.slice(0, 16)}..., ` +
              `counters ${fixture.assertions.map((a) => a.counter).join(', ')} -> ${out}`);
} finally {
  await browser.close();
  server.close();
}
