#!/usr/bin/env node
// Signs an image digest the way cosign's bundle layout does, with sigstore-js (@sigstore/sign):
// a DSSE envelope around an in-toto Statement v1 whose subject is the image, predicate type
// https://sigstore.dev/cosign/sign/v1, in a Sigstore bundle v0.3 with a public-key hint and no
// transparency-log entry. The signer is node:crypto over a PKCS#8 PEM key (ECDSA P-256, SHA-256).
//
//   node sign-bundle.js PRIVATE_KEY.pem IMAGE_NAME sha256:HEX > bundle.json
//
// The hint is the SHA-256 of the key's SubjectPublicKeyInfo DER, as cosign and Moat use.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const { bundleToJSON } = require('@sigstore/bundle');
const { DSSEBundleBuilder } = require('@sigstore/sign');

const [keyFile, name, digest] = process.argv.slice(2);
if (!keyFile || !name || !/^sha256:[0-9a-f]{64}$/.test(digest || '')) {
  process.stderr.write('usage: sign-bundle.js PRIVATE_KEY.pem IMAGE_NAME sha256:HEX\n');
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

const statement = {
  _type: 'https://in-toto.io/Statement/v1',
  subject: [{ name, digest: { sha256: digest.slice('sha256:'.length) } }],
  predicateType: 'https://sigstore.dev/cosign/sign/v1',
  predicate: {},
};

new DSSEBundleBuilder({ signer, witnesses: [] })
  .create({ data: Buffer.from(JSON.stringify(statement), 'utf8'), type: 'application/vnd.in-toto+json' })
  .then((bundle) => process.stdout.write(JSON.stringify(bundleToJSON(bundle)) + '\n'))
  .catch((e) => {
    process.stderr.write(`sign-bundle: ${e.message}\n`);
    process.exit(1);
  });
