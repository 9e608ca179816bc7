// An independent implementation of cosign's encrypted private key format, for KeyInteropTest.
// It uses node's crypto (scrypt, ECDSA) and tweetnacl (secretbox), nothing of Moat.
//
//   node cosign-key.js encrypt <pkcs8.pem> <out.key>      passphrase in $PASSPHRASE
//   node cosign-key.js sign <cosign.key> <message> <sig>  passphrase in $PASSPHRASE; DER signature
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const nacl = require('tweetnacl');

const passphrase = Buffer.from(process.env.PASSPHRASE || '', 'utf8');

function scrypt(salt, N, r, p) {
  return crypto.scryptSync(passphrase, salt, 32, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
}

function pem(type, body) {
  const lines = body.toString('base64').match(/.{1,64}/g).join('\n');
  return `-----BEGIN ${type}-----\n${lines}\n-----END ${type}-----\n`;
}

function unpem(text) {
  const m = /-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) throw new Error('no PEM block');
  return { type: m[1], body: Buffer.from(m[2].replace(/\s+/g, ''), 'base64') };
}

function encrypt(inFile, outFile) {
  const der = crypto.createPrivateKey(fs.readFileSync(inFile)).export({ type: 'pkcs8', format: 'der' });
  const salt = crypto.randomBytes(32);
  const nonce = crypto.randomBytes(24);
  const N = 32768, r = 8, p = 1; // cosign's defaults
  const box = nacl.secretbox(new Uint8Array(der), new Uint8Array(nonce), new Uint8Array(scrypt(salt, N, r, p)));
  const json = JSON.stringify({
    kdf: { name: 'scrypt', params: { N, r, p }, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(box).toString('base64'),
  });
  fs.writeFileSync(outFile, pem('ENCRYPTED SIGSTORE PRIVATE KEY', Buffer.from(json, 'utf8')));
}

function sign(keyFile, messageFile, sigFile) {
  const { type, body } = unpem(fs.readFileSync(keyFile, 'latin1'));
  if (type !== 'ENCRYPTED SIGSTORE PRIVATE KEY' && type !== 'ENCRYPTED COSIGN PRIVATE KEY') {
    throw new Error('unexpected PEM type ' + type);
  }
  const env = JSON.parse(body.toString('utf8'));
  if (env.kdf.name !== 'scrypt' || env.cipher.name !== 'nacl/secretbox') throw new Error('unexpected algorithms');
  const { N, r, p } = env.kdf.params;
  const key = scrypt(Buffer.from(env.kdf.salt, 'base64'), N, r, p);
  const der = nacl.secretbox.open(
    new Uint8Array(Buffer.from(env.ciphertext, 'base64')),
    new Uint8Array(Buffer.from(env.cipher.nonce, 'base64')),
    new Uint8Array(key));
  if (!der) throw new Error('secretbox did not open');
  const privateKey = crypto.createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  const signature = crypto.sign('sha256', fs.readFileSync(messageFile), privateKey); // DER by default
  fs.writeFileSync(sigFile, signature);
  process.stdout.write(`N=${N} r=${r} p=${p} curve=${privateKey.asymmetricKeyDetails.namedCurve}\n`);
}

const [command, ...args] = process.argv.slice(2);
if (command === 'encrypt') encrypt(...args);
else if (command === 'sign') sign(...args);
else { process.stderr.write('usage: cosign-key.js encrypt|sign ...\n'); process.exit(2); }
