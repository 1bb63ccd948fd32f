// The keys file `sealscan verify` reads (device id → alg + key): what an auditor holds to check records offline, and
// what `sealscan keys new` and `provision` write for the verifier side.
import { readFileSync } from 'node:fs';
import { HMAC_KEY_MAX, HMAC_KEY_MIN, hmacKeyProblem, isDeviceId, type DeviceRegistration } from '../hal/keys.js';
import type { VerifyKey } from '../firmware/records/cose.js';
import { ed25519PublicKeyProblem } from '../hal/node/ed25519-keys.js';
import { fromHex, toHex } from '../hal/hex.js';
import { SealscanError } from '../hal/errors.js';

/**
 * The keys file: {"devices": {"<device id>": {"alg": "ed25519", "publicKey": "<64 hex>"} |
 * {"alg": "hmac-sha256", "hmacKey": "<64..128 hex>"}}}. Other top-level members are ignored.
 */
export interface KeysFile {
  devices: { [device: string]: { alg: 'ed25519'; publicKey: string } | { alg: 'hmac-sha256'; hmacKey: string } };
}

/**
 * Thrown for a keys file that does not follow the format (code `KEYS_FILE_INVALID`; the message names the field),
 * or that already holds another key for a device being added (code `KEYS_FILE_CONFLICT`; the message names it).
 */
export class KeysFileError extends SealscanError {
  declare readonly code: 'KEYS_FILE_INVALID' | 'KEYS_FILE_CONFLICT';
  constructor(message: string, code: 'KEYS_FILE_INVALID' | 'KEYS_FILE_CONFLICT' = 'KEYS_FILE_INVALID') {
    super(code, message);
    this.name = 'KeysFileError';
  }
}

/**
 * Parses keys-file text into a device → VerifyKey table. Throws KeysFileError naming the bad field, also for a weak
 * key (ed25519PublicKeyProblem, hmacKeyProblem): records under such a key prove nothing.
 */
export function parseKeysFile(text: string): { [device: string]: VerifyKey } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new KeysFileError(`not JSON (${(e as Error).message})`);
  }
  const devices = (doc as { devices?: unknown } | null)?.devices;
  if (typeof doc !== 'object' || doc === null || typeof devices !== 'object' || devices === null || Array.isArray(devices)) {
    throw new KeysFileError('"devices" must be an object mapping device ids to keys');
  }
  const out: { [device: string]: VerifyKey } = Object.create(null);
  for (const [id, entry] of Object.entries(devices as Record<string, unknown>)) {
    const at = `devices[${JSON.stringify(id)}]`;
    if (!isDeviceId(id)) throw new KeysFileError(`${at}: invalid device id (1..64 of A-Z a-z 0-9 . _ : -)`);
    const e = entry as { alg?: unknown; publicKey?: unknown; hmacKey?: unknown } | null;
    if (typeof e !== 'object' || e === null) throw new KeysFileError(`${at}: must be an object`);
    const hexOf = (field: 'publicKey' | 'hmacKey', min: number, max: number): Uint8Array => {
      const v = e[field];
      const b = typeof v === 'string' ? fromHex(v) : undefined;
      if (!b || b.length < min || b.length > max) throw new KeysFileError(`${at}.${field}: must be ${min === max ? min : min + '..' + max} bytes of hex`);
      return b;
    };
    const refuse = (field: 'publicKey' | 'hmacKey', why: string | undefined) => {
      if (why !== undefined) throw new KeysFileError(`${at}.${field}: ${why}`);
    };
    if (e.alg === 'ed25519') {
      const publicKey = hexOf('publicKey', 32, 32);
      refuse('publicKey', ed25519PublicKeyProblem(publicKey));
      out[id] = { alg: -8, publicKey };
    } else if (e.alg === 'hmac-sha256') {
      const hmacKey = hexOf('hmacKey', HMAC_KEY_MIN, HMAC_KEY_MAX);
      refuse('hmacKey', hmacKeyProblem(hmacKey));
      out[id] = { alg: 5, hmacKey };
    } else throw new KeysFileError(`${at}.alg: must be "ed25519" or "hmac-sha256"`);
  }
  return out;
}

/** The keys-file entry for one registration. */
export function keysFileEntry(r: DeviceRegistration): KeysFile {
  return { devices: { [r.device]: r.alg === 'ed25519' ? { alg: 'ed25519', publicKey: toHex(r.publicKey) } : { alg: 'hmac-sha256', hmacKey: toHex(r.hmacKey) } } };
}

const keyBytes = (k: VerifyKey) => (k.alg === -8 ? k.publicKey : k.hmacKey);
const sameKey = (a: VerifyKey, b: VerifyKey) => a.alg === b.alg && toHex(keyBytes(a)) === toHex(keyBytes(b));

/**
 * A fleet keys file with `add`'s devices merged in: `text` is the file as it is (undefined when there is none yet).
 * Other devices and other top-level members stay as they are. Returns the new text, or null when every device of
 * `add` is already there with the same key. Throws KeysFileError: KEYS_FILE_INVALID for a file that does not follow
 * the format (nothing is merged into it), KEYS_FILE_CONFLICT naming the device whose entry holds another key (the
 * entry is never replaced: a device that got a new key must be re-keyed on purpose, by editing the file).
 */
export function mergeKeysFile(text: string | undefined, add: KeysFile): string | null {
  const have: { [device: string]: VerifyKey } = text === undefined ? Object.create(null) : parseKeysFile(text);
  const adding = parseKeysFile(JSON.stringify(add));
  const doc: KeysFile = text === undefined ? { devices: {} } : JSON.parse(text);
  let changed = false;
  for (const [id, key] of Object.entries(adding)) {
    const old = have[id];
    if (old && !sameKey(old, key)) {
      throw new KeysFileError(`device ${id} is already in it with another key (${old.alg === -8 ? 'ed25519' : 'hmac-sha256'}); remove that entry first if ${id} was re-keyed on purpose`, 'KEYS_FILE_CONFLICT');
    }
    if (!old) {
      // defineProperty: a device id may be "__proto__" (isDeviceId allows it); assignment would not add it.
      Object.defineProperty(doc.devices, id, { value: add.devices[id], enumerable: true, writable: true, configurable: true });
      changed = true;
    }
  }
  return changed ? JSON.stringify(doc, null, 2) + '\n' : null;
}

/** Reads and parses a keys file; throws KeysFileError naming the file and field. */
export function readKeysFile(path: string): { [device: string]: VerifyKey } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new KeysFileError(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return parseKeysFile(text);
  } catch (e) {
    throw new KeysFileError(`${path}: ${(e as Error).message}`);
  }
}
