// The Type 2 layer against the behavioural tags of sim/tags, through DirectPcd (no chip) and, for FAST_READ, through
// the register-level MFRC522 and our driver as well.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RfField } from '../../sim/rf/field.js';
import { Ntag213, Ntag215, Ntag216, Ntag213TT, UltralightEV1, TT_MESSAGE_PAGE } from '../../sim/tags/index.js';
import type { Type2Tag as SimType2 } from '../../sim/tags/index.js';
import { Iso14443aReader } from '../../hal/iso14443a/reader.js';
import { DirectPcd } from '../helpers/direct-pcd.js';
import { world } from '../../sim/sweeps/world.js';
import { Type2Tag } from '../../firmware/tags/type2.js';
import { readNdef, writeNdef } from '../../firmware/tags/type2-ndef-io.js';
import { parseType2Ndef } from '../../firmware/tags/type2-ndef.js';
import { ndefRecord, type NdefRecord } from '../../firmware/tags/ndef.js';
import { decodeUriRecord, uriRecord } from '../../firmware/tags/ndef-records.js';
import { enableNfcCounter, protect, readConfig, setProtection, AUTH0_OFF } from '../../firmware/tags/type2-config.js';
import { isFinding } from '../../firmware/tags/findings.js';

async function setup(sim: SimType2) {
  const field = new RfField({ on: true });
  field.place(sim);
  const pcd = new DirectPcd(field);
  const reader = new Iso14443aReader(pcd);
  const act = await reader.activate();
  assert.ok(act.ok, act.ok ? '' : act.message);
  const tag = new Type2Tag(reader, act.value);
  return { field, pcd, reader, tag, uid: act.value.uid };
}

function ok<T>(r: { ok: true; value: T } | { ok: false; message?: string; finding?: { code: string; message: string } }): T {
  if (!r.ok) throw new Error(r.finding ? r.finding.code + ': ' + r.finding.message : String(r.message));
  return r.value;
}

/** The tag's memory as READ returns it: readable pages only, PWD and PACK as zeros. */
function expectedImage(sim: SimType2, pages: number, pwdPage: number, packPage: number): number[] {
  const m = sim.dump().slice(0, pages * 4);
  m.fill(0, pwdPage * 4, pwdPage * 4 + 4);
  m.fill(0, packPage * 4, packPage * 4 + 4);
  return [...m];
}

const recordsOf = (rs: NdefRecord[]) => rs.map((r) => [r.tnf, [...r.type], [...r.id], [...r.payload]]);

const kinds: Array<[string, () => SimType2]> = [
  ['NTAG213', () => new Ntag213({ password: [1, 2, 3, 4] })],
  ['NTAG215', () => new Ntag215({ password: [1, 2, 3, 4], pack: [0x55, 0xaa] })],
  ['NTAG216', () => new Ntag216()],
  ['NTAG213 TT', () => new Ntag213TT()],
  ['MF0UL11', () => new UltralightEV1({ variant: 'MF0UL11', password: [9, 9, 9, 9] })],
  ['MF0UL21', () => new UltralightEV1({ variant: 'MF0UL21' })],
];

for (const [model, make] of kinds) {
  test(`${model}: GET_VERSION names it and readAll equals the memory (PWD/PACK read as zeros)`, async () => {
    const sim = make();
    const { tag } = await setup(sim);
    const id = ok(await tag.getVersion());
    assert.is(id.kind, 'known');
    assert.is(id.spec?.model, model);
    const spec = id.spec!;
    const all = ok(await tag.readAll());
    assert.is(all.length, spec.pages * 4);
    assert.equal([...all], expectedImage(sim, spec.pages, spec.pwdPage, spec.packPage));
  });

  test(`${model}: NDEF write → read round trip (formatting the blank EV1), memory back door agrees`, async () => {
    const sim = make();
    const { tag } = await setup(sim);
    ok(await tag.getVersion());
    const small = tag.spec!.cc[2] * 8 < 100; // MF0UL11: 48 bytes
    const records = small
      ? [ok(uriRecord('https://id.gs1.org/01/09506000134352/21/ABC'))]
      : [ok(uriRecord('https://id.gs1.org/01/09506000134352/21/ABC')), ndefRecord(4, 'sealscan.example:seal', new Uint8Array(20).fill(0x5a))];
    const blank = sim.dump()[12] === 0;
    if (blank) {
      const refused = await writeNdef(tag, records);
      assert.ok(isFinding(refused) && refused.finding.code === 'CC_BLANK');
    }
    const report = ok(await writeNdef(tag, records, { format: true }));
    assert.is(report.formatted, blank);
    assert.ok(report.pages.every((p) => p >= 3 && p <= tag.spec!.userEnd), String(report.pages));
    if (blank) assert.is(report.pages[report.pages.length - 1], 3);
    const read = ok(await readNdef(tag));
    assert.equal(recordsOf(read.records), recordsOf(records));
    assert.is(ok(decodeUriRecord(read.records[0])), 'https://id.gs1.org/01/09506000134352/21/ABC');
    const back = ok(parseType2Ndef(sim.dump(), { dataLimit: (tag.spec!.userEnd + 1) * 4 }));
    assert.equal(recordsOf(back.records), recordsOf(records));
    assert.equal([...sim.page(3)], [...tag.spec!.cc]);
    // Writing the same message again changes nothing.
    assert.equal(ok(await writeNdef(tag, records)).pages, []);
  });

  test(`${model}: READ_SIG equals the tag's signature`, async () => {
    const sim = make();
    const { tag } = await setup(sim);
    assert.equal([...ok(await tag.readSignature())], [...sim.signature]);
  });
}

test('NTAG213 factory Lock Control TLV is understood; a message of 3-byte length fills an NTAG216', async () => {
  const n213 = await setup(new Ntag213());
  const factory = ok(await readNdef(n213.tag));
  assert.equal(factory.records, []);
  assert.equal(factory.layout.reserved.map((r) => [r.kind, r.from, r.to]), [['lock', 160, 162]]);
  assert.is(factory.layout.ndef?.offset, 21);

  const sim = new Ntag216();
  const { tag, pcd } = await setup(sim);
  ok(await tag.getVersion());
  const big = [ndefRecord(2, 'application/octet-stream', Uint8Array.from({ length: 800 }, (_, i) => i & 0xff))];
  ok(await writeNdef(tag, big));
  assert.equal([...sim.page(4)].slice(0, 2), [0x03, 0xff]);
  assert.equal(recordsOf(ok(await readNdef(tag)).records), recordsOf(big));
  // a short message on the same tag is read with few exchanges: header READ + one FAST_READ
  ok(await writeNdef(tag, [ok(uriRecord('https://nxp.com'))]));
  const before = pcd.log.length;
  assert.is(ok(decodeUriRecord(ok(await readNdef(tag)).records[0])), 'https://nxp.com');
  assert.is(pcd.log.length - before, 2);
  const tooBig = await writeNdef(tag, [ndefRecord(2, 'a/b', new Uint8Array(900))]);
  assert.ok(isFinding(tooBig) && tooBig.finding.code === 'NDEF_TOO_LARGE');
});

test('password protection: PWD_AUTH opens protected pages, a wrong password NAKs, PACK is compared', async () => {
  const sim = new Ntag213();
  const { tag, reader, uid } = await setup(sim);
  const pwd = Uint8Array.of(0x11, 0x22, 0x33, 0x44);
  const pack = Uint8Array.of(0xbe, 0xef);
  ok(await protect(tag, pwd, pack, { auth0: 0x10, protectReads: true }));
  assert.equal([...sim.page(0x2b)], [...pwd]);
  assert.is(sim.page(0x29)[3], 0x10);
  // not authenticated: READ below AUTH0 works, at AUTH0 the tag NAKs and drops to IDLE
  ok(await tag.read(0x0c));
  const denied = await tag.read(0x10);
  assert.ok(!denied.ok && denied.reason === 'nak' && denied.nak === 0);
  const idle = await tag.read(0x0c);
  assert.ok(!idle.ok && idle.reason === 'timeout');
  ok(await reader.select(uid));
  assert.equal([...ok(await tag.pwdAuth(pwd, pack))], [...pack]);
  assert.equal([...ok(await tag.read(0x10))], [...sim.dump().slice(0x40, 0x50)]);
  const all = ok(await tag.readAll());
  assert.equal([...all], expectedImage(sim, 45, 0x2b, 0x2c));
  // wrong password (an ACTIVE tag ignores WUPA: halt it first, then wake and select it)
  ok(await reader.halt());
  ok(await reader.select(uid));
  const wrong = await tag.pwdAuth(Uint8Array.of(0, 0, 0, 0));
  assert.ok(!wrong.ok && wrong.reason === 'nak' && wrong.message.includes('PWD_AUTH'));
  // right password, other PACK expected: the tag is not the one we configured
  ok(await reader.select(uid));
  const other = await tag.pwdAuth(pwd, Uint8Array.of(0, 0));
  assert.ok(!other.ok && other.reason === 'auth');
  // config readable after auth; switch protection off again
  const cfg = ok(await readConfig(tag));
  assert.equal([cfg.auth0, cfg.protectReads, cfg.authLimit], [0x10, true, 0]);
  ok(await setProtection(tag, { auth0: AUTH0_OFF, protectReads: false }));
  ok(await reader.halt()); // HLTA ends the authenticated session
  ok(await reader.select(uid));
  ok(await tag.read(0x10));
});

test('write protection only (PROT = 0): reads open, writes need PWD_AUTH; writeNdef reports the NAK', async () => {
  const sim = new Ntag215({ password: [5, 6, 7, 8] });
  const { tag, reader, uid } = await setup(sim);
  ok(await tag.getVersion());
  ok(await setProtection(tag, { auth0: 4, protectReads: false }));
  ok(await readNdef(tag));
  const w = await writeNdef(tag, [ok(uriRecord('https://nxp.com'))]);
  assert.ok(!w.ok && !isFinding(w) && w.reason === 'nak');
  ok(await reader.select(uid));
  ok(await tag.pwdAuth(Uint8Array.of(5, 6, 7, 8)));
  ok(await writeNdef(tag, [ok(uriRecord('https://nxp.com'))]));
});

test('READ_CNT: the NFC counter once enabled, as the tag counts it', async () => {
  const sim = new Ntag213({ nfcCounterEnabled: true, nfcCounter: 41 });
  const { tag } = await setup(sim);
  ok(await tag.read(0));
  assert.is(ok(await tag.readCounter()), sim.nfcCounter);
  assert.is(sim.nfcCounter, 42);

  const fresh = new Ntag215();
  const f = await setup(fresh);
  const off = await f.tag.readCounter();
  assert.ok(!off.ok && off.reason === 'nak');
  ok(await f.reader.select(f.uid));
  ok(await enableNfcCounter(f.tag, false));
  await f.reader.resetField();
  ok(await f.reader.select(f.uid));
  ok(await f.tag.read(4));
  assert.is(ok(await f.tag.readCounter()), 1);

  const ev1 = new UltralightEV1({ counters: [7, 0x123456, 0] });
  const e = await setup(ev1);
  assert.is(ok(await e.tag.readCounter(1)), 0x123456);
  assert.is(ok(await e.tag.readCounter(0)), 7);
});

test('NTAG213 TT: tamper status closed, then open after the loop is cut, with the TT message', async () => {
  const sim = new Ntag213TT({ tamperMessage: [0x54, 0x41, 0x4d, 0x50] });
  const { tag, reader, uid } = await setup(sim);
  const closed = ok(await tag.readTamperStatus());
  assert.is(closed.status, 'closed');
  assert.equal([...closed.message], [0, 0, 0, 0]);
  sim.openTamperLoop();
  await reader.resetField(); // the loop is measured at power-up
  ok(await reader.select(uid));
  const open = ok(await tag.readTamperStatus());
  assert.is(open.status, 'open');
  assert.equal([...open.message], [...sim.page(TT_MESSAGE_PAGE)]);
  const disabled = await setup(new Ntag213TT({ tamperEnabled: false }));
  assert.is(ok(await disabled.tag.readTamperStatus()).status, 'invalid');
  const plain = await setup(new Ntag213());
  const none = await plain.tag.readTamperStatus();
  assert.ok(!none.ok && none.reason === 'timeout'); // NTAG213 does not know A4h: silent
});

test('a NAK leaves the tag IDLE until select(uid); COMPATIBILITY_WRITE writes 4 bytes', async () => {
  const sim = new Ntag213();
  const { tag, reader, uid } = await setup(sim);
  const r = await tag.read(0xf0);
  assert.ok(!r.ok && r.reason === 'nak' && r.message.includes('READ page F0h'));
  const after = await tag.read(0);
  assert.ok(!after.ok && after.reason === 'timeout');
  ok(await reader.select(uid));
  ok(await tag.compatibilityWrite(8, Uint8Array.of(1, 2, 3, 4)));
  assert.equal([...sim.page(8)], [1, 2, 3, 4]);
  const locked = await tag.write(0, Uint8Array.of(0, 0, 0, 0));
  assert.ok(!locked.ok && locked.reason === 'nak');
});

test('through the register-level MFRC522 and our driver: readAll of an NTAG216 fits the 64-byte FIFO', async () => {
  const sim = new Ntag216();
  const w = await world([sim]);
  const act = ok(await w.reader.activate());
  const tag = new Type2Tag(w.reader, act);
  const all = ok(await tag.readAll());
  assert.equal([...all], expectedImage(sim, 231, 0xe5, 0xe6));
  ok(await writeNdef(tag, [ok(uriRecord('https://nxp.com'))]));
  assert.is(ok(decodeUriRecord(ok(await readNdef(tag)).records[0])), 'https://nxp.com');
});

test.run();
