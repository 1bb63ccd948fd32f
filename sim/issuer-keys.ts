// Makes the issuer key files of packaging stations (the simulator's station and the sealing commands use them): an
// Ed25519 key pair whose public half scanners and the ingest trust. The private file is created with mode 0600 and
// never overwritten; the public file is what goes into scanner configurations. hal/node/issuer-files.ts reads them.
import { closeSync, openSync, writeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Crypto } from '../hal/crypto.js';
import { toHex as hex } from '../hal/hex.js';
import { issuerKeyId } from '../firmware/records/seal.js';
import { IssuerKeyError, type IssuerPrivateFile, type IssuerPublicFile } from '../hal/node/issuer-files.js';

/** Makes a new issuer key in `dir`: NAME.issuer-key.json (private, 0600) and NAME.issuer.json (public). */
export function createIssuerKey(dir: string, name: string, crypto: Crypto): { privateFile: string; publicFile: string; pub: IssuerPublicFile } {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw new IssuerKeyError(`issuer name "${name}": 1 to 64 characters of A-Z a-z 0-9 . _ -`);
  if (!crypto.ed25519) throw new IssuerKeyError('this platform has no Ed25519');
  const pair = crypto.ed25519.generateKeyPair();
  const privateFile = join(dir, `${name}.issuer-key.json`);
  const publicFile = join(dir, `${name}.issuer.json`);
  const priv: IssuerPrivateFile = { format: 'sealscan-issuer-key/1', name, privateKey: hex(pair.privateKey), publicKey: hex(pair.publicKey) };
  let fd: number;
  try {
    fd = openSync(privateFile, 'wx', 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new IssuerKeyError(code === 'EEXIST' ? `${privateFile} exists; an issuer key is never overwritten` : `cannot create ${privateFile}: ${code}`);
  }
  try {
    writeSync(fd, JSON.stringify(priv, null, 2) + '\n');
  } finally {
    closeSync(fd);
  }
  const pub: IssuerPublicFile = { format: 'sealscan-issuer/1', name, publicKey: hex(pair.publicKey), keyId: hex(issuerKeyId(pair.publicKey, crypto)) };
  writeFileSync(publicFile, JSON.stringify(pub, null, 2) + '\n');
  return { privateFile, publicFile, pub };
}
