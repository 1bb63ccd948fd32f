import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { Mfrc522, mfrc522SelfTest } from '../../../hal/mfrc522/index.js';
import { Iso14443aReader } from '../../../hal/iso14443a/reader.js';
import { VirtualClock } from '../../../sim/clock.js';
import { SimMfrc522 } from '../../../sim/mfrc522/index.js';
import { RfField } from '../../../sim/rf/field.js';
import { MifareClassic1K, Ntag213 } from '../../../sim/tags/index.js';

// The chip between the real field and tags (sim/rf, sim/tags) and two drivers: our own (hal/mfrc522 with the
// ISO 14443-3A reader) and the unmodified mfrc522-rpi package.

const NTAG_UID = [0x04, 0xe1, 0x41, 0x12, 0x4c, 0x28, 0x80];
const CLASSIC_UID = [0x59, 0xe5, 0x97, 0x1a];
const KEY = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);

function world(version = 0x92) {
  const clock = new VirtualClock();
  const field = new RfField();
  const chip = new SimMfrc522({ clock, field, version });
  const ntag = new Ntag213({ uid: NTAG_UID, userData: [0x03, 0x00, 0xfe] });
  const classic = new MifareClassic1K({ uid: CLASSIC_UID });
  return { clock, field, chip, ntag, classic };
}

test('hal/mfrc522 driver: init, self-test and CalcCRC against the simulated chip', async () => {
  for (const version of [0x92, 0x91]) {
    const w = world(version);
    const pcd = new Mfrc522(w.chip, w.clock);
    const v = await pcd.init();
    assert.is(v.raw, version);
    assert.is(w.field.fieldOn(), true);
    const st = await mfrc522SelfTest(pcd);
    assert.ok(st.pass, `self-test of ${version.toString(16)}h`);
    assert.equal([...(await pcd.calcCrc(Uint8Array.of(0x60)))], [0xf8, 0x32]);
  }
  const fake = world(0x12);
  const pcd = new Mfrc522(fake.chip, fake.clock);
  await pcd.init();
  assert.not.ok((await mfrc522SelfTest(pcd)).pass, 'a counterfeit fails the self-test');
});

test('hal/iso14443a reader: activate an NTAG213 (7-byte UID, two cascade levels) and read page 0', async () => {
  const w = world();
  w.field.place(w.ntag);
  const reader = new Iso14443aReader(new Mfrc522(w.chip, w.clock));
  await (reader.pcd as Mfrc522).init();
  const act = await reader.activate();
  assert.ok(act.ok, act.ok ? '' : act.message);
  if (!act.ok) return;
  assert.equal([...act.value.uid], NTAG_UID);
  assert.equal([...act.value.atqa], [0x44, 0x00]);
  assert.is(act.value.sak, 0x00);
  const page0 = await reader.transceive(Uint8Array.of(0x30, 0x00), { txCrc: true, rxCrc: true });
  assert.ok(page0.ok, page0.ok ? '' : page0.message);
  if (page0.ok) assert.equal([...page0.value.bytes.slice(0, 8)], [0x04, 0xe1, 0x41, 0x2c, 0x12, 0x4c, 0x28, 0x80]);
});

test('hal/iso14443a reader: inventory resolves a collision between an NTAG and a Classic', async () => {
  const w = world();
  w.field.place(w.ntag);
  w.field.place(w.classic);
  const pcd = new Mfrc522(w.chip, w.clock);
  await pcd.init();
  const inv = await new Iso14443aReader(pcd).inventory();
  assert.ok(inv.ok, inv.ok ? '' : inv.message);
  if (!inv.ok) return;
  const uids = inv.value.map((a) => [...a.uid].map((b) => b.toString(16)).join(' ')).sort();
  assert.equal(uids, [CLASSIC_UID, NTAG_UID].map((u) => u.map((b) => b.toString(16)).join(' ')).sort());
  assert.ok(w.chip.stats.exchanges.length > 4);
});

test('hal/mfrc522 driver: MIFARE Classic authentication and an encrypted READ', async () => {
  const w = world();
  w.field.place(w.classic);
  const pcd = new Mfrc522(w.chip, w.clock);
  const reader = new Iso14443aReader(pcd);
  await pcd.init();
  const act = await reader.activate();
  assert.ok(act.ok);
  const auth = await pcd.mifareAuthenticate('A', 4, KEY, Uint8Array.from(CLASSIC_UID));
  assert.ok(auth.ok, auth.ok ? '' : auth.message);
  const read = await pcd.transceive(Uint8Array.of(0x30, 0x04), { txCrc: true, rxCrc: true });
  assert.ok(read.ok, read.ok ? '' : read.message);
  if (read.ok) assert.is(read.value.bytes.length, 16);
  pcd.stopCrypto1();
  await pcd.resetField();
  const act2 = await reader.activate();
  assert.ok(act2.ok);
  const bad = await pcd.mifareAuthenticate('A', 4, new Uint8Array(6), Uint8Array.from(CLASSIC_UID));
  assert.is(bad.ok ? 'ok' : bad.reason, 'auth');
});

test('mfrc522-rpi: findCard and getUid on a real NTAG213 (CL1 only: CT 88h first)', () => {
  const w = world();
  w.field.place(w.ntag);
  const require = createRequire(import.meta.url);
  const MFRC522 = require('mfrc522-rpi') as new (spi: unknown) => {
    reset(): void;
    findCard(): { status: boolean | null; bitSize: number | null };
    getUid(): { status: boolean; data: number[] };
  };
  const mfrc = new MFRC522(w.chip);
  for (let poll = 0; poll < 3; poll++) {
    // RPI resets the chip on every poll; the field goes off and on, so the never-halted tag answers every time.
    mfrc.reset();
    assert.equal(mfrc.findCard(), { status: true, bitSize: 16 }, `poll ${poll}`);
    const uid = mfrc.getUid();
    assert.ok(uid.status);
    assert.equal(uid.data, [0x88, 0x04, 0xe1, 0x41, 0x88 ^ 0x04 ^ 0xe1 ^ 0x41]);
  }
});

test.run();
