// Fixed keys and sample records for the record tests (and the generated examples in docs/record-format.md).
import { createNodeCrypto } from '../../hal/node/crypto.js';
import { RecordChain } from '../../firmware/records/chain.js';
import { ed25519Signer, hmacSigner } from '../../firmware/records/signers.js';
import type { ScanEvidence } from '../../firmware/records/kinds.js';
import type { VerifyKey } from '../../firmware/records/cose.js';
import type { RecordSigner } from '../../hal/keys.js';

export const crypto = createNodeCrypto();
const ed = crypto.ed25519!;

/** Deterministic 32-byte key material from a label (tests only). */
export function fixedKey(label: string): Uint8Array {
  return crypto.sha256(new TextEncoder().encode('sealscan test key ' + label));
}

export interface TestDevice {
  id: string;
  signer: RecordSigner;
  key: VerifyKey;
}

export function ed25519Device(id: string, label = id): TestDevice {
  const seed = fixedKey(label);
  return { id, signer: ed25519Signer(ed, seed), key: { alg: -8, publicKey: ed.publicKeyOf(seed) } };
}

export function hmacDevice(id: string, label = id): TestDevice {
  const k = fixedKey(label);
  return { id, signer: hmacSigner(crypto, k), key: { alg: 5, hmacKey: k } };
}

export const T0 = Date.UTC(2026, 10, 28, 9, 30, 0);

/** A genuine NTAG213 scan: 7-byte UID, a 40-character digital link, a 100-byte seal. */
export function genuineScan(): ScanEvidence {
  const seal = new Uint8Array(100);
  for (let i = 0; i < seal.length; i++) seal[i] = (i * 37 + 11) & 0xff;
  return {
    uid: Uint8Array.of(0x04, 0xe1, 0x0c, 0xda, 0x99, 0x3c, 0x80),
    tagType: 'ntag213',
    seal,
    digitalLink: 'https://id.example.org/01/09506000134352/21/A1B2C3D4'.slice(0, 40),
    originality: 'valid',
    tamper: 'no-loop',
    verdict: 'genuine',
    reasons: [],
    inspector: 'badge-0042',
    site: '4012345000009',
  };
}

/** `n` records of one device: boot, login, then scans, each a second apart. */
export function history(device: TestDevice, n: number, boot = 1): Uint8Array[] {
  const chain = RecordChain.start(device.signer, crypto, device.id, boot);
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const t = T0 + i * 1000;
    if (i === 0) out.push(chain.append({ kind: 'boot', firmware: '0.1.0', reset: 'power-on' }, t).bytes);
    else if (i === 1) out.push(chain.append({ kind: 'login', inspector: 'badge-0042' }, t).bytes);
    else out.push(chain.append({ kind: 'scan', ...genuineScan() }, t).bytes);
  }
  return out;
}

/** Key lookup over test devices. */
export function lookup(...devices: TestDevice[]): (id: string) => VerifyKey | undefined {
  return (id) => devices.find((d) => d.id === id)?.key;
}
