#!/usr/bin/env node
// Verifies a Sigstore bundle offline with sigstore-js (@sigstore/verify), trusting one public key.
//
//   node verify-bundle.js BUNDLE.json PUBLIC_KEY.pem [--expect-digest sha256:HEX]
//
// The key is registered under its own fingerprint (SHA-256 of its SubjectPublicKeyInfo DER), so a bundle
// verifies only if its verificationMaterial.publicKey.hint names that key. No transparency log, no
// certificate log, no timestamp authority: thresholds are all 0 (key-based signing, no Rekor).
//
// sigstore-js checks the DSSE signature only; it does not bind the bundle to an image. With
// --expect-digest the script also requires an in-toto statement subject whose sha256 is that digest.
//
// Prints one JSON line describing the bundle. Exit codes: 0 verified (and subject matches), 1 the
// signature or key does not verify, 2 verified but no subject names the expected digest, 3 usage or
// unreadable input.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const { bundleFromJSON } = require('@sigstore/bundle');
const { PublicKeyDetails, TrustedRoot } = require('@sigstore/protobuf-specs');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');

function usage(message) {
  process.stderr.write(`verify-bundle: ${message}\n`);
  process.exit(3);
}

const args = process.argv.slice(2);
let expectDigest = null;
const positional = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--expect-digest') {
    expectDigest = args[++i];
  } else {
    positional.push(args[i]);
  }
}
if (positional.length !== 2) {
  usage('usage: verify-bundle.js BUNDLE.json PUBLIC_KEY.pem [--expect-digest sha256:HEX]');
}

let bundle;
let spki;
try {
  bundle = bundleFromJSON(JSON.parse(fs.readFileSync(positional[0], 'utf8')));
  spki = crypto.createPublicKey(fs.readFileSync(positional[1], 'utf8')).export({ type: 'spki', format: 'der' });
} catch (e) {
  usage(`cannot read input: ${e.message}`);
}
const fingerprint = crypto.createHash('sha256').update(spki).digest('hex');

const report = {
  mediaType: bundle.mediaType,
  content: bundle.content.$case,
  hint: bundle.verificationMaterial.content.$case === 'publicKey' ? bundle.verificationMaterial.content.publicKey.hint : null,
  keyFingerprint: fingerprint,
  tlogEntries: bundle.verificationMaterial.tlogEntries.length,
};
if (bundle.content.$case === 'dsseEnvelope') {
  const envelope = bundle.content.dsseEnvelope;
  report.payloadType = envelope.payloadType;
  try {
    const statement = JSON.parse(Buffer.from(envelope.payload).toString('utf8'));
    report.statementType = statement._type;
    report.predicateType = statement.predicateType;
    report.subjects = (statement.subject || []).map((s) => ({ name: s.name, sha256: s.digest && s.digest.sha256 }));
  } catch (e) {
    report.subjects = [];
  }
}

const emptyRoot = TrustedRoot.fromJSON({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1' });
const keys = {
  [fingerprint]: { rawBytes: spki, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256 },
};
const verifier = new Verifier(toTrustMaterial(emptyRoot, keys), {
  tlogThreshold: 0,
  ctlogThreshold: 0,
  tsaThreshold: 0,
  timestampThreshold: 0,
});

try {
  verifier.verify(toSignedEntity(bundle));
  report.verified = true;
} catch (e) {
  report.verified = false;
  report.error = `${e.code || e.name}: ${e.message}`;
  process.stdout.write(JSON.stringify(report) + '\n');
  process.exit(1);
}

if (expectDigest !== null) {
  const hex = expectDigest.replace(/^sha256:/, '');
  report.subjectMatches = (report.subjects || []).some((s) => s.sha256 === hex);
  if (!report.subjectMatches) {
    report.error = `no statement subject has digest ${expectDigest}`;
    process.stdout.write(JSON.stringify(report) + '\n');
    process.exit(2);
  }
}
process.stdout.write(JSON.stringify(report) + '\n');
