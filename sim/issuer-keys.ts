// Issuer key files of packaging stations (the simulator's station and the sealing commands use them): an Ed25519 key pair whose public half scanners trust. The private file is
// created with mode 0600 and never overwritten; the public file is what goes into scanner configurations.
import { closeSync, openSync, readFileSync, statSync, writeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Crypto } from '../hal/crypto.js';
import { SealscanError } from '../hal/errors.js';
import { toHex as hex } from '../hal/hex.js';
import { issuerKeyId } from '../firmware/records/seal.js';
import type { IssuerKey } from '../firmware/seals/sealer.js';
import type { TrustedIssuer } from '../firmware/seals/verdict.js';
import { ed25519PublicKeyProblem } from '../hal/node/ed25519-keys.js';

export interface IssuerPublicFile {
  format: 'sealscan-issuer/1';
  name: string;
  publicKey: string;
  keyId: string;
}

interface IssuerPrivateFile {
  format: 'sealscan-issuer-key/1';
  name: string;
  privateKey: string;
  publicKey: string;
}

/** An issuer key file that cannot be used; the message names the file and the field. */
export class IssuerKeyError extends SealscanError {
  constructor(message: string) {
    super('ISSUER_KEY', message);
    this.name = 'IssuerKeyError';
  }
}


function fromHex(file: string, field: string, v: unknown, n: number): Uint8Array {
  if (typeof v !== 'string' || !new RegExp(`^[0-9a-fA-F]{${2 * n}}$`).test(v)) throw new IssuerKeyError(`${file}: ${field} must be ${n} bytes of hex`);
  return Uint8Array.from(Buffer.from(v, 'hex'));
}

/** The issuer public key in `file`, refused (naming the file) when ed25519PublicKeyProblem finds it weak. */
function publicKeyOf(file: string, v: unknown): Uint8Array {
  const key = fromHex(file, 'publicKey', v, 32);
  const why = ed25519PublicKeyProblem(key);
  if (why !== undefined) throw new IssuerKeyError(`${file}: publicKey: ${why}`);
  return key;
}

function readJson(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new IssuerKeyError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const v = JSON.parse(text);
    if (v && typeof v === 'object') return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new IssuerKeyError(`${file} is not a JSON object`);
}

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

/** Loads a private issuer key; refuses a file group or others could read, and a weak public key. */
export function loadIssuerKey(file: string): IssuerKey & { name: string } {
  const mode = statSafe(file);
  if (mode & 0o077) throw new IssuerKeyError(`${file} is readable by others (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${file}`);
  const j = readJson(file);
  if (j.format !== 'sealscan-issuer-key/1') throw new IssuerKeyError(`${file}: not an issuer key (format must be "sealscan-issuer-key/1")`);
  return { name: String(j.name), privateKey: fromHex(file, 'privateKey', j.privateKey, 32), publicKey: publicKeyOf(file, j.publicKey) };
}

/** Loads a public issuer file (or the public half of a private one) as a trusted issuer; refuses a weak key. */
export function loadTrustedIssuer(file: string): TrustedIssuer {
  const j = readJson(file);
  if (j.format !== 'sealscan-issuer/1' && j.format !== 'sealscan-issuer-key/1') throw new IssuerKeyError(`${file}: not an issuer file`);
  if (typeof j.name !== 'string' || !j.name) throw new IssuerKeyError(`${file}: name missing`);
  return { name: j.name, publicKey: publicKeyOf(file, j.publicKey) };
}

function statSafe(file: string): number {
  try {
    return statSync(file).mode;
  } catch (e) {
    throw new IssuerKeyError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code}`);
  }
}
