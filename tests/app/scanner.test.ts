// The scanner application on the whole simulated device: login with a badge, verdicts with their feedback, records
// durable before feedback, repeats (and what is not one: clones, changed memory), a full queue, checkpoints, and a verifiable chain.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { device, badge, tapOnce, queued, verify, crypto, config, sealed, LINK } from '../helpers/device.js';
import { Ntag213, Ntag213TT } from '../../sim/tags/index.js';
import { decodePayload } from '../../firmware/records/record.js';
import { parseCose } from '../../firmware/records/cose.js';
import { cloneTag, onStationReader } from '../../sim/station.js';
import { Type2Tag } from '../../firmware/tags/type2.js';
import { pullAwayAfterBytes, weakField } from '../../sim/faults.js';
import { NO_READ_POLLS } from '../../firmware/app/scanner.js';

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

test('a tag that answers but cannot be selected: NO READ after NO_READ_POLLS polls, once per stay, no record', async () => {
  const d = await device();
  d.scanner.start();
  await tapOnce(d, badge('INSP-007'));
  const tag = await sealed(new Ntag213());
  const seq = d.queue.nextSeq;
  const off = weakField(d.w.field);
  d.w.field.place(tag);
  const polls = [];
  for (let i = 0; i < NO_READ_POLLS + 3; i++) polls.push(await d.scanner.pollOnce());
  assert.equal(polls.map((e) => e?.kind ?? null), [null, null, 'no-read', null, null, null], 'told once, on the third failed poll');
  const e = polls[NO_READ_POLLS - 1]!;
  assert.equal([e.shown.signal, e.shown.led, e.shown.headline, e.shown.detail, e.uid], ['unreadable', 'amber', 'NO READ', 'Hold the tag still, closer', '']);
  assert.is(d.ui.lines.at(-1), 'NO READ | Hold the tag still, closer');
  assert.is(d.queue.nextSeq, seq, 'nothing recorded');
  d.w.field.remove(tag);
  assert.is(await d.scanner.pollOnce(), null, 'an empty field');
  d.w.field.place(tag);
  for (let i = 0; i < NO_READ_POLLS - 1; i++) assert.is(await d.scanner.pollOnce(), null);
  assert.is((await d.scanner.pollOnce())?.kind, 'no-read', 'placed again: told again');
  off();
  assert.is((await d.scanner.pollOnce())?.judgement?.verdict, 'genuine', 'a good field reads it');
  d.w.field.remove(tag);
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
  // The status keeps what the inspector saw and the record's seq, not the judgement (the listeners had it).
  const last = d.scanner.status().lastTap;
  assert.equal(last, { kind: 'scan', uid: e!.uid, shown: e!.shown, seq: e!.seq, time: e!.time });
  assert.is(last!.judgement, undefined);
});

test('the originality signature goes into the record (key 18) only where the board could not check it', async () => {
  const tag = await sealed(new Ntag213());
  const scanWith = async (board: typeof crypto) => {
    const d = await device({ crypto: board });
    d.scanner.start();
    await tapOnce(d, badge('INSP-007'));
    await tapOnce(d, tag);
    const scan = payloads(queued(d.queue)).find((p) => p.kind === 'scan');
    if (scan?.kind !== 'scan') throw new Error('no scan record');
    return scan;
  };
  const checked = await scanWith(crypto);
  assert.is(checked.originality, 'valid');
  assert.is(checked.originalitySig, undefined, 'a checked signature is not carried');
  const unchecked = await scanWith({ ...crypto, ed25519: undefined, originality: undefined });
  assert.is(unchecked.originality, 'not-supported');
  assert.equal(unchecked.reasons, ['originality-unchecked', 'seal-unchecked']);
  assert.is(unchecked.verdict, 'unknown');
  assert.equal(Array.from(unchecked.originalitySig ?? []), Array.from(tag.signature), 'the signature as the tag answered READ_SIG');
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

test('the same tag within the dedupe window repeats its verdict without a new record; after the window it is a new scan', async () => {
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

const scans = (d: Awaited<ReturnType<typeof device>>) => payloads(queued(d.queue)).filter((p) => p.kind === 'scan');
const RED_BEEP = [600, 150, 600];

test('a magic clone tapped right after its original is read and judged: its own record, red', async () => {
  const d = await device();
  d.scanner.start();
  await tapOnce(d, badge('INSP-007'));
  const original = await sealed(new Ntag213());
  const magic = cloneTag(original, 'magic') as Ntag213;
  assert.equal(Array.from(magic.uid), Array.from(original.uid), 'the clone answers with the same UID');
  const a = await tapOnce(d, original);
  assert.is(a?.kind, 'scan');
  assert.is(a?.judgement?.verdict, 'genuine');
  const b = await tapOnce(d, magic);
  assert.ok((b?.time ?? 0) - (a?.time ?? 0) < 2000, 'inside the repeat window');
  assert.is(b?.kind, 'scan');
  assert.is(b?.judgement?.verdict, 'clone-suspect');
  assert.is(b?.shown.led, 'red');
  assert.equal(b?.shown.beep, RED_BEEP);
  assert.not.match(b?.shown.detail ?? '', /already scanned/);
  assert.is(b?.seq, (a?.seq ?? -9) + 1, 'a record of its own');
  const c = await tapOnce(d, original);
  assert.is(c?.kind, 'scan', 'the original after the clone is a new scan too');
  assert.is(c?.judgement?.verdict, 'genuine');
  assert.is(c?.shown.led, 'green');
  const s = scans(d);
  assert.equal(s.map((x) => x.seq), [a?.seq, b?.seq, c?.seq]);
  assert.equal(s.map((x) => (x.kind === 'scan' ? x.verdict : '')), ['genuine', 'clone-suspect', 'genuine']);
  assert.ok(s[1].kind === 'scan' && s[1].reasons.includes('originality-invalid') && s[1].originality === 'invalid');
  assert.ok(verify(queued(d.queue)).ok);
});

test('the same tag tapped four times in the window: one record, repeats show its verdict once marked', async () => {
  const d = await device();
  d.scanner.start();
  await tapOnce(d, badge('INSP-007'));
  const tag = await sealed(new Ntag213());
  const first = await tapOnce(d, tag);
  assert.is(first?.kind, 'scan');
  const seq = d.queue.nextSeq;
  for (let i = 2; i <= 4; i++) {
    const e = await tapOnce(d, tag);
    assert.is(e?.kind, 'repeat', `tap ${i}`);
    assert.is(e?.seq, undefined, `tap ${i} made no record`);
    assert.is(e?.shown.led, 'green', `tap ${i}: the genuine LED`);
    assert.equal(e?.shown.beep, [120], `tap ${i}: the genuine beep`);
    assert.is(e?.shown.signal, 'genuine');
    assert.is(e?.shown.headline, 'GENUINE');
    assert.is(e?.shown.detail, '(already scanned) ' + first?.shown.detail, `tap ${i}: one "(already scanned)"`);
    assert.is(e?.judgement?.verdict, 'genuine', `tap ${i} was judged`);
  }
  assert.is(d.queue.nextSeq, seq, 'no record for the repeats');
  assert.is(scans(d).length, 1);
  assert.not.ok(d.ui.beeps.some((b) => b.length === 1 && b[0] === 40), 'never the neutral repeat beep');
  assert.not.ok(d.ui.led.slice(2).includes('off'), 'the LED is never switched off for a repeat');
  assert.is(d.ui.lines.at(-1), 'GENUINE | (already scanned) GTIN 09506000134352 SN 42');
});

test('the repeat window runs from the last record, not from the last tap', async () => {
  const d = await device();
  d.scanner.start();
  await tapOnce(d, badge('INSP-007'));
  const tag = await sealed(new Ntag213());
  const first = await tapOnce(d, tag);
  await d.w.clock.sleep(1500);
  assert.is((await tapOnce(d, tag))?.kind, 'repeat');
  await d.w.clock.sleep(600);
  const later = await tapOnce(d, tag);
  assert.ok((later?.time ?? 0) - (first?.time ?? 0) >= 2000);
  assert.is(later?.kind, 'scan', 'more than the window after the record, though less after the last tap');
  assert.is(scans(d).length, 2);
});

test('a tampered tag tapped twice: the repeat is red with the tampered beep', async () => {
  const d = await device();
  d.scanner.start();
  await tapOnce(d, badge('INSP-007'));
  const tt = await sealed(new Ntag213TT());
  tt.openTamperLoop();
  const a = await tapOnce(d, tt);
  assert.is(a?.kind, 'scan');
  assert.is(a?.judgement?.verdict, 'tampered');
  const b = await tapOnce(d, tt);
  assert.is(b?.kind, 'repeat');
  assert.is(b?.shown.led, 'red', 'the tampered LED');
  assert.equal(b?.shown.beep, RED_BEEP, 'the tampered beep');
  assert.is(b?.shown.signal, 'tampered');
  assert.is(b?.judgement?.verdict, 'tampered');
  assert.is(b?.shown.headline, a?.shown.headline);
  assert.is(b?.shown.detail, '(already scanned) ' + a?.shown.detail);
  assert.equal(d.ui.beeps.at(-1), RED_BEEP);
  const s = scans(d);
  assert.is(s.length, 1);
  assert.ok(s[0].kind === 'scan' && s[0].verdict === 'tampered' && s[0].tamper === 'open');
});

test('a tag whose memory changed between two taps in the window gets a second record', async () => {
  const d = await device();
  d.scanner.start();
  await tapOnce(d, badge('INSP-007'));
  const tag = await sealed(new Ntag213());
  const a = await tapOnce(d, tag);
  assert.is(a?.judgement?.verdict, 'genuine');
  // Someone writes the last user page (NTAG213: 27h), behind the NDEF message: the seal still checks out.
  const mem = tag.dump();
  assert.is(mem[0x27 * 4], 0, 'page 27h lies behind the message');
  const w = await onStationReader(tag, (reader, act) => new Type2Tag(reader, act).write(0x27, Uint8Array.of(0xde, 0xad, 0xbe, 0xef)));
  assert.ok(w.ok);
  const b = await tapOnce(d, tag);
  assert.ok((b?.time ?? 0) - (a?.time ?? 0) < 2000, 'inside the repeat window');
  assert.is(b?.kind, 'scan');
  assert.is(b?.judgement?.verdict, 'genuine', 'same verdict');
  assert.equal(b?.judgement?.reasons, a?.judgement?.reasons, 'same reasons');
  assert.is(b?.seq, (a?.seq ?? -9) + 1);
  assert.is(b?.shown.detail, a?.shown.detail, 'a new scan, not marked as already scanned');
  assert.equal(scans(d).map((x) => x.seq), [a?.seq, b?.seq]);
});

test('a tap pulled away mid-read is recorded as unreadable; the proper tap right after is a new scan', async () => {
  const d = await device();
  d.scanner.start();
  await tapOnce(d, badge('INSP-007'));
  const tag = await sealed(new Ntag213());
  pullAwayAfterBytes(d.w.field, tag, 40);
  const a = await tapOnce(d, tag);
  assert.is(a?.kind, 'scan');
  assert.is(a?.judgement?.verdict, 'unreadable');
  const b = await tapOnce(d, tag);
  assert.ok((b?.time ?? 0) - (a?.time ?? 0) < 2000, 'inside the repeat window');
  assert.is(b?.kind, 'scan');
  assert.is(b?.judgement?.verdict, 'genuine');
  assert.is(b?.shown.led, 'green');
  assert.equal(scans(d).map((x) => (x.kind === 'scan' ? x.verdict : '')), ['unreadable', 'genuine']);
});

test('an identical tap by another inspector is a new scan', async () => {
  const d = await device();
  d.scanner.start();
  await tapOnce(d, badge('INSP-007'));
  const tag = await sealed(new Ntag213());
  const a = await tapOnce(d, tag);
  await tapOnce(d, badge('INSP-008', [0xba, 0xd6, 0xe0, 0x02]));
  const b = await tapOnce(d, tag);
  assert.ok((b?.time ?? 0) - (a?.time ?? 0) < 2000, 'inside the repeat window');
  assert.is(b?.kind, 'scan');
  assert.equal(scans(d).map((x) => (x.kind === 'scan' ? x.inspector : '')), ['INSP-007', 'INSP-008']);
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
