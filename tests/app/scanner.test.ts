// The scanner application on the whole simulated device: login with a badge, verdicts with their feedback, records
// durable before feedback, repeats, a full queue, checkpoints, and a verifiable chain.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { device, badge, tapOnce, queued, verify, crypto, issuer, config } from '../helpers/device.js';
import { Ntag213, Ntag213TT } from '../../sim/tags/index.js';
import { sealTag } from '../../firmware/seals/sealer.js';
import { decodePayload } from '../../firmware/records/record.js';
import { parseCose } from '../../firmware/records/cose.js';
import { world } from '../helpers/world.js';
import type { Picc } from '../../sim/rf/air.js';

const LINK = 'https://id.gs1.org/01/09506000134352/21/42';

async function sealed<T extends Picc>(tag: T): Promise<T> {
  const w = await world([tag]);
  const a = await w.reader.activate();
  if (!a.ok) throw new Error(a.message);
  const s = await sealTag(w.reader, a.value, { link: LINK, issuer, sealedAt: Math.floor(w.clock.wallTime() / 1000) }, crypto);
  if (!s.ok) throw new Error(JSON.stringify(s));
  w.field.remove(tag);
  return tag;
}

const payloads = (records: Uint8Array[]) => records.map((r) => decodePayload(parseCose(r).payload));

test('boot writes a boot record and shows READY', async () => {
  const d = await device();
  d.scanner.start();
  const p = payloads(queued(d.queue));
  assert.equal(p.map((x) => x.kind), ['boot']);
  assert.is(p[0].seq, 0);
  assert.is(d.ui.lines.at(-1), 'READY | 9506000000001');
});

test('a package needs a logged-in inspector; a badge logs in and out', async () => {
  const d = await device();
  d.scanner.start();
  const tag = await sealed(new Ntag213());
  const refused = await tapOnce(d, tag);
  assert.is(refused?.kind, 'refused');
  assert.is(refused?.shown.signal, 'login-required');
  assert.is(d.queue.nextSeq, 1, 'no record for a refused tap');
  const login = await tapOnce(d, badge('INSP-007'));
  assert.is(login?.kind, 'login');
  assert.is(d.scanner.status().inspector, 'INSP-007');
  const logout = await tapOnce(d, badge('INSP-007'));
  assert.is(logout?.kind, 'logout');
  assert.is(d.scanner.status().inspector, null);
  assert.equal(payloads(queued(d.queue)).map((x) => x.kind), ['boot', 'login', 'logout']);
});

test('a badge left on the reader is read once (halted inside its Crypto1 session)', async () => {
  const d = await device();
  d.scanner.start();
  const b = badge('INSP-007');
  d.w.field.place(b);
  assert.is((await d.scanner.pollOnce())?.kind, 'login');
  assert.is(await d.scanner.pollOnce(), null);
  assert.is(await d.scanner.pollOnce(), null);
  assert.is(d.scanner.status().inspector, 'INSP-007');
});

test('a genuine scan: green, one beep, the product on the display, and the record durable first', async () => {
  const d = await device();
  d.scanner.start();
  await tapOnce(d, badge('INSP-007'));
  const tag = await sealed(new Ntag213());
  let durableAtFeedback = -1;
  d.scanner.onTap(() => (durableAtFeedback = d.queue.nextSeq));
  const e = await tapOnce(d, tag);
  assert.is(e?.kind, 'scan');
  assert.is(e?.judgement?.verdict, 'genuine');
  assert.is(e?.shown.led, 'green');
  assert.equal(e?.shown.beep, [120]);
  assert.match(e?.shown.detail ?? '', /GTIN 09506000134352 SN 42/);
  assert.is(durableAtFeedback, (e?.seq ?? -9) + 1, 'the record was in the queue when the inspector was told');
  const scan = payloads(queued(d.queue)).find((p) => p.kind === 'scan');
  assert.ok(scan && scan.kind === 'scan');
  if (scan?.kind === 'scan') {
    assert.is(scan.verdict, 'genuine');
    assert.is(scan.inspector, 'INSP-007');
    assert.is(scan.digitalLink, LINK);
    assert.equal(Array.from(scan.uid), Array.from(tag.uid));
    assert.is(scan.originality, 'valid');
  }
});

test('tampered, clone and unsealed packages get red or amber feedback with reasons recorded', async () => {
  const d = await device();
  d.scanner.start();
  await tapOnce(d, badge('INSP-007'));
  const tt = await sealed(new Ntag213TT());
  tt.openTamperLoop();
  const t = await tapOnce(d, tt);
  assert.is(t?.judgement?.verdict, 'tampered');
  assert.is(t?.shown.led, 'red');
  const clone = await sealed(new Ntag213({ signature: Array.from(new Ntag213().signature) }));
  const c = await tapOnce(d, clone);
  assert.is(c?.judgement?.verdict, 'clone-suspect');
  assert.is(c?.shown.led, 'red');
  const blank = await tapOnce(d, new Ntag213());
  assert.is(blank?.judgement?.verdict, 'unknown');
  assert.is(blank?.shown.led, 'amber');
  const scans = payloads(queued(d.queue)).filter((p) => p.kind === 'scan');
  assert.equal(scans.map((s) => (s.kind === 'scan' ? s.verdict : '')), ['tampered', 'clone-suspect', 'unknown']);
  assert.ok(scans[0].kind === 'scan' && scans[0].reasons.includes('tamper-loop-open'));
});

test('the same tag within the dedupe window repeats its verdict without a new record', async () => {
  const d = await device();
  d.scanner.start();
  await tapOnce(d, badge('INSP-007'));
  const tag = await sealed(new Ntag213());
  await tapOnce(d, tag);
  const seq = d.queue.nextSeq;
  const again = await tapOnce(d, tag);
  assert.is(again?.kind, 'repeat');
  assert.is(d.queue.nextSeq, seq);
  await d.w.clock.sleep(2500);
  const later = await tapOnce(d, tag);
  assert.is(later?.kind, 'scan');
  assert.is(d.queue.nextSeq, seq + 1);
});

test('a tag halted on the reader is not read again until it is tapped anew', async () => {
  const d = await device({ config: { dedupeWindowMs: 0 } });
  d.scanner.start();
  await tapOnce(d, badge('INSP-007'));
  const tag = await sealed(new Ntag213());
  d.w.field.place(tag);
  assert.is((await d.scanner.pollOnce())?.kind, 'scan');
  assert.is(await d.scanner.pollOnce(), null);
  assert.is(await d.scanner.pollOnce(), null);
});

test('a full queue refuses scans with their own signal and records nothing', async () => {
  const d = await device({ sectors: 6 });
  d.scanner.start();
  await tapOnce(d, badge('INSP-007'));
  const tag = await sealed(new Ntag213());
  let refused = null;
  for (let i = 0; i < 200 && !refused; i++) {
    await d.w.clock.sleep(2500);
    const e = await tapOnce(d, tag);
    if (e?.kind === 'refused') refused = e;
  }
  assert.ok(refused, 'the queue filled up');
  assert.is(refused?.shown.signal, 'full');
  assert.is(refused?.shown.led, 'blue');
  const seq = d.queue.nextSeq;
  await d.w.clock.sleep(2500);
  assert.is((await tapOnce(d, tag))?.kind, 'refused');
  assert.is(d.queue.nextSeq, seq);
  const all = queued(d.queue);
  assert.ok(verify(all).ok);
});

test('checkpoints every N records; the whole stream verifies with the offline verifier', async () => {
  const d = await device({ config: { checkpointEvery: 5, dedupeWindowMs: 0 } });
  d.scanner.start();
  await tapOnce(d, badge('INSP-007'));
  const tag = await sealed(new Ntag213());
  for (let i = 0; i < 12; i++) await tapOnce(d, tag);
  const all = queued(d.queue);
  const kinds = payloads(all).map((p) => p.kind);
  assert.is(kinds.filter((k) => k === 'checkpoint').length, 2);
  const report = verify(all);
  assert.ok(report.ok, JSON.stringify(report.devices[0]?.firstBreak));
  assert.is(report.devices[0].verified, all.length);
});

test('bad configuration is refused naming the field', async () => {
  const cases: Array<[Partial<ReturnType<typeof config>>, RegExp]> = [
    [{ deviceId: 'bad id' }, /^deviceId:/],
    [{ site: '' }, /^site:/],
    [{ pollIntervalMs: -1 }, /^pollIntervalMs:/],
    [{ badge: { block: 7, key: new Uint8Array(6) } }, /^badge.block:.*trailer/],
    [{ trust: { issuers: [{ name: 'x', publicKey: new Uint8Array(3) }] } }, /^trust.issuers\[0\].publicKey/],
  ];
  for (const [extra, rx] of cases) {
    let message = '';
    try {
      await device({ config: extra });
    } catch (e) {
      message = (e as Error).message;
    }
    assert.match(message, rx, `config ${JSON.stringify(extra)}`);
  }
});

test.run();
