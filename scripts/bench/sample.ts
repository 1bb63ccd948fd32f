// The scan the record benchmarks use: a genuine NTAG213 scan with a 7-byte UID, a 40-character Digital Link, a
// 100-byte seal (larger than the real 73-byte one, so sizes err high), inspector and site ids. With `i`, the UID's
// last byte and the link's serial vary so that many records differ.
import { randomBytes } from 'node:crypto';
import type { ScanEvidence } from '../../firmware/records/kinds.js';
import { genuineScan } from '../../sim/sweeps/fixtures.js';

export function sampleEvidence(i?: number): ScanEvidence {
  return {
    ...genuineScan(),
    uid: Uint8Array.of(0x04, 0xe1, 0x0c, 0xda, 0x99, 0x3c, i === undefined ? 0x80 : i & 0xff),
    seal: new Uint8Array(randomBytes(100)),
    digitalLink: 'https://id.example.org/01/09506000134352' + (i === undefined ? '' : '/21/S' + i),
  };
}
