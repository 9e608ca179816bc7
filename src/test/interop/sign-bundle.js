#!/usr/bin/env node
// Signs an image digest the way cosign's bundle layout does, with sigstore-js (@sigstore/sign):
// a DSSE envelope around an in-toto Statement v1 whose subject is the image, predicate type
// https://sigstore.dev/cosign/sign/v1, in a Sigstore bundle v0.3 with a public-key hint and no
// transparency-log entry. The signer is node:crypto over a PKCS#8 PEM key (ECDSA P-256, SHA-256).
//
//   node sign-bundle.js PRIVATE_KEY.pem IMAGE_NAME sha256:HEX > bundle.json
//
// With --message-signature it instead signs the image manifest's bytes directly: a messageSignature bundle
// whose messageDigest is the SHA-256 of the manifest, i.e. the image digest. It is assembled with
// @sigstore/bundle's toMessageSignatureBundle rather than @sigstore/sign's MessageSignatureBundleBuilder,
// because the builder (4.1.1) always labels its bundles v0.2 (certificateChain: true); BUNDLE_SPEC.md
// stores v0.3 bundles.
//
//   node sign-bundle.js --message-signature PRIVATE_KEY.pem MANIFEST.json > bundle.json
//
// The hint is the SHA-256 of the key's SubjectPublicKeyInfo DER, as cosign and Moat use.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const { bundleToJSON, toMessageSignatureBundle } = require('@sigstore/bundle');
const { DSSEBundleBuilder } = require('@sigstore/sign');

const args = process.argv.slice(2);
const messageSignature = args[0] === '--message-signature';
if (messageSignature) {
  args.shift();
}
const [keyFile, name, digest] = args;
const valid = messageSignature ? keyFile && name && args.length === 2 : keyFile && name && /^sha256:[0-9a-f]{64}$/.test(digest || '');
if (!valid) {
  process.stderr.write('usage: sign-bundle.js PRIVATE_KEY.pem IMAGE_NAME sha256:HEX\n'
    + '       sign-bundle.js --message-signature PRIVATE_KEY.pem MANIFEST.json\n');
  process.exit(3);
}

const privateKey = crypto.createPrivateKey(fs.readFileSync(keyFile, 'utf8'));
const publicKey = crypto.createPublicKey(privateKey);
const spki = publicKey.export({ type: 'spki', format: 'der' });
const hint = crypto.createHash('sha256').update(spki).digest('hex');

const signer = {
  async sign(data) {
    return {
      signature: crypto.sign('sha256', data, privateKey),
      key: { $case: 'publicKey', publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), hint },
    };
  },
};

function statementFor(imageName, imageDigest) {
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: imageName, digest: { sha256: imageDigest.slice('sha256:'.length) } }],
    predicateType: 'https://sigstore.dev/cosign/sign/v1',
    predicate: {},
  };
}

async function messageSignatureBundle(data) {
  const signature = await signer.sign(data);
  return toMessageSignatureBundle({
    digest: crypto.createHash('sha256').update(data).digest(),
    signature: signature.signature,
    keyHint: signature.key.hint,
    certificateChain: false,
  });
}

const created = messageSignature
  ? messageSignatureBundle(fs.readFileSync(name))
  : new DSSEBundleBuilder({ signer, witnesses: [] }).create({
    data: Buffer.from(JSON.stringify(statementFor(name, digest)), 'utf8'),
    type: 'application/vnd.in-toto+json',
  });
created
  .then((bundle) => process.stdout.write(JSON.stringify(bundleToJSON(bundle)) + '\n'))
  .catch((e) => {
    process.stderr.write(`sign-bundle: ${e.message}\n`);
    process.exit(1);
  });
