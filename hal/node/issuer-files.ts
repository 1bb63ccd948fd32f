// Reading the issuer key files of packaging stations (`sealscan issuer-key new` writes them): the public file is
// what scanners and the ingest trust, the private one (mode 0600) what a station seals with. Here, beside the
// device key files, because a Pi's configuration, the command line and the ingest all read them; sim/issuer-keys.ts
// makes them.
import { readFileSync, statSync } from 'node:fs';
import { SealscanError } from '../errors.js';
import { fromHex } from '../hex.js';
import { ed25519PublicKeyProblem } from './ed25519-keys.js';

/** NAME.issuer.json: what goes into scanner configurations and `sealscan ingest --issuer`. */
export interface IssuerPublicFile {
  format: 'sealscan-issuer/1';
  name: string;
  publicKey: string;
  keyId: string;
}

/** NAME.issuer-key.json, mode 0600. */
export interface IssuerPrivateFile {
  format: 'sealscan-issuer-key/1';
  name: string;
  privateKey: string;
  publicKey: string;
}

/** An issuer whose seals are trusted: its name and raw 32-byte Ed25519 public key. */
export interface IssuerPublicKey {
  name: string;
  publicKey: Uint8Array;
}

/** An issuer key file that cannot be used; the message names the file and the field. */
export class IssuerKeyError extends SealscanError {
  constructor(message: string) {
    super('ISSUER_KEY', message);
    this.name = 'IssuerKeyError';
  }
}

function bytesOf(file: string, field: string, v: unknown, n: number): Uint8Array {
  const b = typeof v === 'string' && v.length === 2 * n ? fromHex(v) : undefined;
  if (!b) throw new IssuerKeyError(`${file}: ${field} must be ${n} bytes of hex`);
  return b;
}

/** The issuer public key in `file`, refused (naming the file) when ed25519PublicKeyProblem finds it weak. */
function publicKeyOf(file: string, v: unknown): Uint8Array {
  const key = bytesOf(file, 'publicKey', v, 32);
  const why = ed25519PublicKeyProblem(key);
  if (why !== undefined) throw new IssuerKeyError(`${file}: publicKey: ${why}`);
  return key;
}

function readJson(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new IssuerKeyError(`${file}: no such file; expected an issuer file (sealscan issuer-key new writes NAME.issuer-key.json and NAME.issuer.json)`);
    throw new IssuerKeyError(`cannot read ${file}: ${code ?? (e as Error).message}`);
  }
  try {
    const v = JSON.parse(text);
    if (v && typeof v === 'object') return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new IssuerKeyError(`${file} is not a JSON object`);
}

function modeOf(file: string): number {
  try {
    return statSync(file).mode;
  } catch (e) {
    throw new IssuerKeyError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code}`);
  }
}

/**
 * Loads a private issuer key; refuses a file group or others could read, and a weak public key. The format is
 * checked before the mode: the public file (0644 by design) passed by mistake is named as such, not sent to chmod.
 */
export function loadIssuerKey(file: string): IssuerPublicKey & { privateKey: Uint8Array } {
  const j = readJson(file);
  if (j.format === 'sealscan-issuer/1') {
    const priv = file.endsWith('.issuer.json') ? file.slice(0, -'.issuer.json'.length) + '.issuer-key.json' : 'NAME.issuer-key.json';
    throw new IssuerKeyError(`${file} is the public half of an issuer key; pass the private issuer key (${priv}, made by sealscan issuer-key new)`);
  }
  if (j.format !== 'sealscan-issuer-key/1') throw new IssuerKeyError(`${file}: not an issuer key (format must be "sealscan-issuer-key/1")`);
  const mode = modeOf(file);
  if (mode & 0o077) throw new IssuerKeyError(`${file} is readable by others (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${file}`);
  return { name: String(j.name), privateKey: bytesOf(file, 'privateKey', j.privateKey, 32), publicKey: publicKeyOf(file, j.publicKey) };
}

/** Loads a public issuer file (or the public half of a private one) as a trusted issuer; refuses a weak key. */
export function loadTrustedIssuer(file: string): IssuerPublicKey {
  const j = readJson(file);
  if (j.format !== 'sealscan-issuer/1' && j.format !== 'sealscan-issuer-key/1') throw new IssuerKeyError(`${file}: not an issuer file`);
  if (typeof j.name !== 'string' || !j.name) throw new IssuerKeyError(`${file}: name missing`);
  return { name: j.name, publicKey: publicKeyOf(file, j.publicKey) };
}
