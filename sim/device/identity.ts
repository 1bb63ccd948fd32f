// The simulated scanner's signing identity: in the data folder through the same key store a Pi uses, or in memory.
import { inspect } from 'node:util';
import type { Ed25519 } from '../../hal/crypto.js';
import type { DeviceIdentity, DeviceRegistration } from '../../hal/keys.js';
import { FileKeyStore } from '../../hal/node/key-store.js';

/** The device's key from `dir` (hal/node/key-store.ts: 0600, never overwritten), made on first use. */
export function fileIdentity(dir: string, deviceId: string): DeviceIdentity {
  const store = new FileKeyStore(dir);
  return store.load(deviceId) ?? store.create(deviceId, 'ed25519');
}

/** A fresh Ed25519 identity that lives as long as the process (tests, scenarios). The seed stays in the closure. */
export function memoryIdentity(deviceId: string, ed25519: Ed25519): DeviceIdentity {
  const pair = ed25519.generateKeyPair();
  const registration: DeviceRegistration = { device: deviceId, alg: 'ed25519', publicKey: pair.publicKey };
  return {
    deviceId,
    alg: 'ed25519',
    coseAlg: -8,
    sign: (m: Uint8Array) => ed25519.sign(pair.privateKey, m),
    registration: () => registration,
    toString: () => `DeviceIdentity(${deviceId}, ed25519)`,
    [inspect.custom]: () => `DeviceIdentity(${deviceId}, ed25519)`,
  } as DeviceIdentity;
}
