import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Reg, SELF_TEST_TABLES } from '../../../sim/mfrc522/index.js';
import { hexBytes, rig, type Rig } from './helpers.js';

// DS §16.1.1 (v1.0, v2.0), written out here independently of the implementation.
const V1 = hexBytes(`
  00 C6 37 D5 32 B7 57 5C C2 D8 7C 4D D9 70 C7 73 10 E6 D2 AA 5E A1 3E 5A 14 AF 30 61 C9 70 DB 2E
  64 22 72 B5 BD 65 F4 EC 22 BC D3 72 35 CD AA 41 1F A7 F3 53 14 DE 7E 02 D9 0F B5 5E 25 1D 29 79`);
const V2 = hexBytes(`
  00 EB 66 BA 57 BF 23 95 D0 E3 0D 3D 27 89 5C DE 9D 3B A7 00 21 5B 89 82 51 3A EB 02 0C A5 00 49
  7C 84 4D B3 CC D2 1B 81 5D 48 76 D5 71 61 21 A9 86 96 83 38 CF 9D 5B 6D DC 15 BA 3E 7D 95 3B 2F`);

/** The Arduino `PCD_PerformSelfTest` sequence, byte for byte through SPI. */
function performSelfTest(r: Rig, opts: { zeros?: number; trigger?: number[] } = {}): number[] {
  r.write(Reg.CommandReg, 0x0f); // SoftReset
  r.write(Reg.FIFOLevelReg, 0x80);
  r.write(Reg.FIFODataReg, ...Array(opts.zeros ?? 25).fill(0x00));
  r.write(Reg.CommandReg, 0x01); // Mem ("Config")
  r.write(Reg.AutoTestReg, 0x09);
  r.write(Reg.FIFODataReg, ...(opts.trigger ?? [0x00]));
  r.write(Reg.CommandReg, 0x03); // CalcCRC
  let level = 0;
  for (let i = 0; i < 0xff && level < 64; i++) level = r.read(Reg.FIFOLevelReg);
  assert.is(level, 64, 'the FIFO fills with 64 bytes');
  r.write(Reg.CommandReg, 0x00);
  const out = r.chip.transfer(Uint8Array.of(...Array(64).fill(0x80 | (Reg.FIFODataReg << 1)), 0x00));
  r.write(Reg.AutoTestReg, 0x00);
  return [...out.slice(1)];
}

test('v2.0 self-test gives exactly the datasheet bytes', () => {
  assert.equal(performSelfTest(rig({ version: 0x92 })), V2);
});

test('v1.0 self-test gives exactly the datasheet bytes', () => {
  assert.equal(performSelfTest(rig({ version: 0x91 })), V1);
});

test('v0.0 and FM17522 give their Arduino tables', () => {
  assert.equal(performSelfTest(rig({ version: 0x90 })), [...SELF_TEST_TABLES[0x90]]);
  assert.equal(performSelfTest(rig({ version: 0x88 })), [...SELF_TEST_TABLES[0x88]]);
  assert.equal(SELF_TEST_TABLES[0x90].slice(0, 4), Uint8Array.of(0x00, 0x87, 0x98, 0x0f));
  assert.equal(SELF_TEST_TABLES[0x88].slice(0, 4), Uint8Array.of(0x00, 0xd6, 0x78, 0x8c));
});

const tables = Object.values(SELF_TEST_TABLES).map((t) => [...t]);
const matchesATable = (bytes: number[]) => tables.some((t) => t.every((b, i) => b === bytes[i]));

test('a counterfeit VersionReg gives bytes that match no table, deterministically', () => {
  const a = performSelfTest(rig({ version: 0x12 }));
  assert.not.ok(matchesATable(a));
  assert.equal(performSelfTest(rig({ version: 0x12 })), a);
  assert.not.equal(performSelfTest(rig({ version: 0xb2 })), a);
});

test('a wrong procedure gives bytes that match no table', () => {
  const r = rig({ version: 0x92 });
  assert.not.ok(matchesATable(performSelfTest(r, { trigger: [0x01] })));
  assert.not.ok(matchesATable(performSelfTest(r, { trigger: [0x00, 0x00] })));
  // Buffer not zeroed: 25 × 01h through Mem.
  const s = rig({ version: 0x92 });
  s.write(Reg.FIFODataReg, ...Array(25).fill(1));
  s.write(Reg.CommandReg, 0x01);
  s.write(Reg.AutoTestReg, 0x09);
  s.write(Reg.FIFODataReg, 0x00);
  s.write(Reg.CommandReg, 0x03);
  const out = [...s.chip.fifoContents()];
  assert.is(out.length, 64);
  assert.not.ok(matchesATable(out));
  // and the right procedure afterwards still works
  assert.equal(performSelfTest(s), V2);
});

test('with AutoTestReg = 00h CalcCRC is a CRC again', () => {
  const r = rig();
  performSelfTest(r);
  r.write(Reg.FIFOLevelReg, 0x80);
  r.write(Reg.FIFODataReg, 0x00);
  r.write(Reg.CommandReg, 0x03);
  assert.is(r.read(Reg.FIFOLevelReg), 0);
  assert.ok(r.read(Reg.DivIrqReg) & 0x04);
});

test.run();
