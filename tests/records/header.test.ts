// firmware/records/header.ts: a record's device id, seq and boot count read straight from its bytes, held to the full
// parser (parseCose + decodePayload) on every kind of record, both algorithms, and on damaged and random bytes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { RecordChain } from '../../firmware/records/chain.js';
import { parseCose } from '../../firmware/records/cose.js';
import { RecordError } from '../../firmware/records/errors.js';
import { readRecordHeader } from '../../firmware/records/header.js';
import { decodePayload } from '../../firmware/records/record.js';
import { bootNumber } from '../../firmware/app/boot.js';
import type { RecoveryReport } from '../../firmware/queue/report.js';
import { crypto, ed25519Device, genuineScan, hmacDevice, T0 } from '../../sim/sweeps/fixtures.js';

/** What the full parser says, or null when it refuses the bytes. */
function full(b: Uint8Array): { device: string; seq: number; boot: number } | null {
  try {
    const p = decodePayload(parseCose(b).payload);
    return { device: p.device, seq: p.seq, boot: p.boot };
  } catch (e) {
    if (e instanceof RecordError) return null;
    throw e;
  }
}

/** readRecordHeader's answer, or null when it refuses with a RecordError (anything else thrown fails the test). */
function light(b: Uint8Array): { device: string; seq: number; boot: number } | null {
  try {
    return readRecordHeader(b);
  } catch (e) {
    if (e instanceof RecordError) return null;
    throw e;
  }
}

/** A chain of every record kind a device writes, for `dev`, in boot `boot`, starting past seq `from`. */
function records(dev: ReturnType<typeof hmacDevice>, boot: number, from: number): Uint8Array[] {
  const chain = new RecordChain(dev.signer, crypto, { device: dev.id, nextSeq: from, prev: new Uint8Array(32).fill(from ? 1 : 0), boot: boot });
  const out: Uint8Array[] = [];
  const add = (r: { bytes: Uint8Array }) => out.push(r.bytes);
  add(chain.append({ kind: 'boot', firmware: 'sealscan-test', reset: 'power-on' }, T0));
  add(chain.append({ kind: 'login', inspector: 'INSP-7' }, T0 + 1));
  add(chain.append({ kind: 'scan', ...genuineScan() }, T0 + 2));
  add(chain.append({ kind: 'logout', inspector: 'INSP-7' }, T0 + 3));
  add(chain.checkpoint(T0 + 4));
  return out;
}

test('the header of every kind of record, HMAC and Ed25519, small and large seqs and boots: what the full parser reads', () => {
  let n = 0;
  for (const dev of [hmacDevice('esp-0001'), ed25519Device('scanner.site-7:b_2')]) {
    for (const [boot, from] of [[0, 0], [23, 24], [300, 70000], [2 ** 32 + 5, 2 ** 40]]) {
      for (const b of records(dev, boot, from)) {
        const want = full(b);
        assert.ok(want, 'the full parser accepts the record');
        assert.equal(readRecordHeader(b), want);
        assert.is(want!.boot, boot);
        n++;
      }
    }
  }
  assert.is(n, 40);
});

test('property: damaged records (bytes changed, cut short, grown) are refused with a RecordError or read as the full parser reads them', () => {
  const base = records(hmacDevice('esp-0001'), 9, 41).concat(records(ed25519Device('scanner-0002'), 2, 0));
  fc.assert(
    fc.property(fc.integer({ min: 0, max: base.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.integer({ min: -40, max: 8 }), (which, edits, grow) => {
      const src = base[which];
      const b = new Uint8Array(Math.max(0, src.length + grow));
      b.set(src.subarray(0, Math.min(src.length, b.length)));
      for (const [at, v] of edits) if (b.length) b[at % b.length] = v;
      const got = light(b);
      const want = full(b);
      // What the full parser accepts, the header reader reads the same; what it reads, it reads from a record layout.
      if (want) assert.equal(got, want);
      if (got) assert.ok(got.seq >= 0 && got.boot >= 0 && got.device.length >= 1);
    }),
    { numRuns: 3000 },
  );
});

test('property: any bytes at all give a header or a RecordError, never another error', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      light(b);
    }),
    { numRuns: 3000 },
  );
});

test("bootNumber: one past the newest record's boot count; the next seq when that record has no record header", () => {
  const [bootRecord] = records(hmacDevice('esp-0001'), 41, 5);
  const report = (newestRecord: Uint8Array | undefined) => ({ newestRecord: newestRecord, nextSeq: 12 }) as unknown as RecoveryReport;
  assert.is(bootNumber(report(bootRecord)), 42);
  assert.is(bootNumber(report(undefined)), 12);
  const broken = bootRecord.slice(0, 20);
  assert.is(bootNumber(report(broken)), 12);
});

test.run();
