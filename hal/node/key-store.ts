// Device keys in files on the Pi or a technician's PC: one JSON file per device, mode 0600, created atomically
// and never overwritten; a key file others could read is refused rather than used. Key bytes never appear in
// errors, toString, util.inspect or JSON of the identity.
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { createHmac, randomBytes, sign, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { join } from 'node:path';
import { hmacKeyProblem, isDeviceId, type CoseAlg, type DeviceIdentity, type DeviceKeyAlg, type DeviceKeyStore, type DeviceRegistration } from '../keys.js';
import { nodeEd25519, rawEd25519PublicKey, ed25519PrivateKeyObject } from './crypto.js';
import { fromHex, toHex } from '../hex.js';
import { SealscanError } from '../errors.js';

export type KeyStoreErrorCode = 'KEY_FILE_PERMISSIONS' | 'KEY_EXISTS' | 'KEY_FILE_INVALID' | 'BAD_DEVICE_ID' | 'KEY_IO';

/** A key store failure. The message names the file and what is wrong, never key bytes. */
export class KeyStoreError extends SealscanError {
  declare readonly code: KeyStoreErrorCode;
  constructor(code: KeyStoreErrorCode, message: string) {
    super(code, code + ': ' + message);
    this.name = 'KeyStoreError';
  }
}

const FORMAT = 'sealscan-device-key/1';

/** A device identity whose secret lives in a private field and a KeyObject. */
class FileDeviceIdentity implements DeviceIdentity {
  readonly coseAlg: CoseAlg;
  readonly #secret: Uint8Array;
  readonly #keyObject: KeyObject | null;

  constructor(
    readonly deviceId: string,
    readonly alg: DeviceKeyAlg,
    secret: Uint8Array,
  ) {
    this.coseAlg = alg === 'ed25519' ? -8 : 5;
    this.#secret = secret;
    this.#keyObject = alg === 'ed25519' ? ed25519PrivateKeyObject(secret) : null;
  }

  sign(message: Uint8Array): Uint8Array {
    const out = this.#keyObject ? sign(null, message, this.#keyObject) : createHmac('sha256', this.#secret).update(message).digest();
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }

  registration(): DeviceRegistration {
    return this.#keyObject
      ? { device: this.deviceId, alg: 'ed25519', publicKey: rawEd25519PublicKey(this.#keyObject) }
      : { device: this.deviceId, alg: 'hmac-sha256', hmacKey: this.#secret.slice() };
  }

  toString(): string {
    return `DeviceIdentity(${this.deviceId}, ${this.alg})`;
  }

  toJSON(): { deviceId: string; alg: DeviceKeyAlg } {
    return { deviceId: this.deviceId, alg: this.alg };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

function modeOf(st: Stats): string {
  return '0' + (st.mode & 0o777).toString(8);
}

/**
 * Keys as `<dir>/<device>.key.json`: {"format":"sealscan-device-key/1","device":…,"alg":"ed25519"|"hmac-sha256",
 * "key":"<64 hex>"} — the Ed25519 seed or the HMAC key. Files are 0600; `load` refuses any group/other access bit.
 */
export class FileKeyStore implements DeviceKeyStore {
  constructor(readonly dir: string) {}

  /** Where the key of `deviceId` lives. */
  pathOf(deviceId: string): string {
    if (!isDeviceId(deviceId)) throw new KeyStoreError('BAD_DEVICE_ID', `invalid device id ${JSON.stringify(deviceId)} (1..64 of A-Z a-z 0-9 . _ : -)`);
    return join(this.dir, deviceId + '.key.json');
  }

  load(deviceId: string): DeviceIdentity | undefined {
    const path = this.pathOf(deviceId);
    let st: Stats;
    try {
      st = statSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new KeyStoreError('KEY_IO', `cannot read ${path}: ${(e as Error).message}`);
    }
    if ((st.mode & 0o077) !== 0) {
      throw new KeyStoreError('KEY_FILE_PERMISSIONS', `key file ${path} is accessible by group or others (mode ${modeOf(st)}); refusing to use it. Run: chmod 600 ${path} — and consider the key exposed`);
    }
    let doc: { format?: unknown; device?: unknown; alg?: unknown; key?: unknown };
    try {
      doc = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      throw new KeyStoreError('KEY_FILE_INVALID', `${path} is not JSON`);
    }
    const bad = (field: string, why: string) => new KeyStoreError('KEY_FILE_INVALID', `${path}: field "${field}" ${why}`);
    if (doc === null || typeof doc !== 'object') throw bad('(top level)', 'must be an object');
    if (doc.format !== FORMAT) throw bad('format', `must be "${FORMAT}"`);
    if (doc.device !== deviceId) throw bad('device', `must be ${JSON.stringify(deviceId)}`);
    if (doc.alg !== 'ed25519' && doc.alg !== 'hmac-sha256') throw bad('alg', 'must be "ed25519" or "hmac-sha256"');
    if (typeof doc.key !== 'string' || !/^[0-9a-f]{64}$/.test(doc.key)) throw bad('key', 'must be 64 lower-case hex digits');
    const secret = fromHex(doc.key) as Uint8Array;
    // Any 32-byte Ed25519 seed makes a sound key (it is hashed and clamped); an HMAC key is used as it is.
    const weak = doc.alg === 'hmac-sha256' ? hmacKeyProblem(secret) : undefined;
    if (weak !== undefined) throw bad('key', weak + '; this device needs a new key');
    return new FileDeviceIdentity(deviceId, doc.alg, secret);
  }

  create(deviceId: string, alg: DeviceKeyAlg): DeviceIdentity {
    const path = this.pathOf(deviceId);
    if (alg !== 'ed25519' && alg !== 'hmac-sha256') throw new KeyStoreError('KEY_FILE_INVALID', `unknown key algorithm ${JSON.stringify(alg)}`);
    const secret = alg === 'ed25519' ? nodeEd25519.generateKeyPair().privateKey : new Uint8Array(randomBytes(32));
    const body = JSON.stringify({ format: FORMAT, device: deviceId, alg, key: toHex(secret) }) + '\n';
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    // Write a private temporary file, then link it into place: link never replaces an existing key, and readers
    // see either no key or the complete one.
    const tmp = join(this.dir, `.${deviceId}.${randomBytes(6).toString('hex')}.tmp`);
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, body);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(tmp, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new KeyStoreError('KEY_EXISTS', `${path} already exists; a device keeps its key (delete it deliberately to re-key)`);
      throw new KeyStoreError('KEY_IO', `cannot create ${path}: ${(e as Error).message}`);
    } finally {
      unlinkSync(tmp);
    }
    const dirFd = openSync(this.dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
    return new FileDeviceIdentity(deviceId, alg, secret);
  }
}
