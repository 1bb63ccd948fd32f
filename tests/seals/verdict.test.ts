// Seals written by the packaging-station code through the real driver, read back and judged by the scanner code,
// on every virtual Type 2 tag type; and each way a seal can be wrong.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { world, bytes } from '../../sim/sweeps/world.js';
import { Ntag213, Ntag215, Ntag216, Ntag213TT, UltralightEV1, SIM_ORIGINALITY_PUBLIC_KEY, NXP_NTAG21X_VECTORS } from '../../sim/tags/index.js';
import { pullAwayAfterBytes } from '../../sim/faults.js';
import { createNodeCrypto } from '../../hal/node/crypto.js';
import { sealTag, type SealRequest } from '../../firmware/seals/sealer.js';
import { judge, type TrustConfig } from '../../firmware/seals/verdict.js';
import { readType2 } from '../../firmware/scan/read-tag.js';
import type { Picc } from '../../sim/rf/air.js';

const crypto = createNodeCrypto();
const issuer = crypto.ed25519!.generateKeyPair();
const stranger = crypto.ed25519!.generateKeyPair();
const NOW = Date.UTC(2026, 10, 28, 12);
// 40 characters: the length the seal format is sized for on NTAG213.
const LINK = 'https://id.gs1.org/01/09506000134352/21/7';
const trust: TrustConfig = {
  issuers: [{ name: 'Acme Pharma line 2', publicKey: issuer.publicKey }],
  originalityKeys: [{ name: 'simulator', publicKey: SIM_ORIGINALITY_PUBLIC_KEY }],
};

function request(extra: Partial<SealRequest> = {}): SealRequest {
  return { link: LINK, issuer, sealedAt: Math.floor(NOW / 1000) - 3600, ...extra };
}

/** Seals `tag` through the driver, then taps it again like an inspector and returns the judgement. */
async function sealAndScan(tag: Picc, sealReq: SealRequest | null, scanTrust = trust, now = NOW, before?: (w: Awaited<ReturnType<typeof world>>) => void) {
  const w = await world([tag]);
  if (sealReq) {
    const a = await w.reader.activate();
    assert.ok(a.ok, a.ok ? '' : a.message);
    if (!a.ok) throw new Error();
    const s = await sealTag(w.reader, a.value, sealReq, crypto);
    assert.ok(s.ok, JSON.stringify(s));
  }
  before?.(w);
  // Field off and on: the inspector's tap powers the tag afresh (an NTAG213 TT measures its loop at power-up).
  await w.reader.resetField();
  const a = await w.reader.activate();
  assert.ok(a.ok, a.ok ? '' : a.message);
  if (!a.ok) throw new Error();
  const reading = await readType2(w.reader, a.value);
  return { w, reading, j: judge(reading, scanTrust, crypto, now) };
}

const types: Array<[string, () => Picc]> = [
  ['NTAG213', () => new Ntag213()],
  ['NTAG215', () => new Ntag215()],
  ['NTAG216', () => new Ntag216()],
  ['NTAG213 TT', () => new Ntag213TT()],
  ['Ultralight EV1', () => new UltralightEV1()],
];
// The shortest sensible Digital Link (35 characters): what fits the 128 bytes of an Ultralight EV1 MF0UL21.
const SHORT_LINK = 'https://a.co/01/09506000134352/21/7';
for (const [name, make] of types) {
  test(`a seal written on ${name} reads back genuine`, async () => {
    const link = name === 'Ultralight EV1' ? SHORT_LINK : LINK;
    const { j } = await sealAndScan(make(), request({ link }));
    assert.is(j.verdict, 'genuine', JSON.stringify(j.findings));
    assert.equal(j.reasons, []);
    assert.is(j.originality, 'valid');
    assert.is(j.digitalLink, link);
    assert.is(j.issuer, 'Acme Pharma line 2');
    assert.is(j.link?.serial, '7');
    assert.is(j.headline, 'GENUINE');
  });
}

test('a real NXP originality signature is accepted with the built-in key alone', async () => {
  const v = NXP_NTAG21X_VECTORS[0];
  const { j } = await sealAndScan(new Ntag213({ uid: v.uid, signature: v.signature }), request(), { issuers: trust.issuers });
  assert.is(j.verdict, 'genuine', JSON.stringify(j.findings));
  assert.is(j.originality, 'valid');
});

test('a seal copied onto a tag with another UID is an invalid seal', async () => {
  const original = new Ntag213();
  await sealAndScan(original, request());
  const copy = new Ntag213({ userData: Array.from(original.dump().slice(16, 160)) });
  const { j } = await sealAndScan(copy, null);
  assert.is(j.verdict, 'invalid-seal');
  assert.ok(j.reasons.includes('seal-signature-bad'));
  assert.match(j.findings.find((f) => f.code === 'seal-signature-bad')!.text, /copied/);
});

test('a clone whose originality signature fails is a clone suspect (even with a valid seal)', async () => {
  const genuine = new Ntag213();
  // A "magic" tag: same UID, the seal made for that UID, but a signature it cannot have (signed for another UID).
  const clone = new Ntag213({ uid: genuine.uid, signature: Array.from(new Ntag213().signature) });
  const { j } = await sealAndScan(clone, request());
  assert.is(j.verdict, 'clone-suspect', JSON.stringify(j.findings));
  assert.is(j.originality, 'invalid');
  assert.ok(j.reasons.includes('originality-invalid'));
});

test('an opened tamper loop is tampered; opened and closed again is still tampered', async () => {
  const tag = new Ntag213TT();
  const { j } = await sealAndScan(tag, request(), trust, NOW, () => tag.openTamperLoop());
  assert.is(j.verdict, 'tampered');
  assert.is(j.tamper, 'open');
  tag.closeTamperLoop();
  const again = await sealAndScan(tag, null);
  assert.is(again.j.verdict, 'tampered', JSON.stringify(again.j.findings));
  assert.ok(again.j.reasons.includes('tamper-loop-was-opened'));
});

test('the worst finding wins: a clone with an open loop is a clone suspect', async () => {
  const tag = new Ntag213TT({ signature: Array.from(new Ntag213().signature) });
  const { j } = await sealAndScan(tag, request(), trust, NOW, () => tag.openTamperLoop());
  assert.is(j.verdict, 'clone-suspect');
  assert.ok(j.reasons.includes('tamper-loop-open') && j.reasons.includes('originality-invalid'));
});

test('no seal, an unknown issuer, an expired pack', async () => {
  const blank = await sealAndScan(new Ntag215(), null);
  assert.is(blank.j.verdict, 'unknown');
  assert.ok(blank.j.reasons.includes('no-seal'));
  const foreign = await sealAndScan(new Ntag213(), request({ issuer: stranger }));
  assert.is(foreign.j.verdict, 'unknown');
  assert.ok(foreign.j.reasons.includes('issuer-unknown'));
  const expired = await sealAndScan(new Ntag213(), request({ link: 'https://ex.org/01/09506000134352/21/7?17=260131' }));
  assert.is(expired.j.verdict, 'genuine');
  assert.ok(expired.j.expired && expired.j.reasons.includes('expired'));
  assert.match(expired.j.headline, /EXPIRED/);
});

test('NTAG213 takes a seal with a Digital Link of up to 50 characters', async () => {
  const fifty = 'https://id.gs1.org/01/09506000134352/21/ABCDEFGHIJ';
  assert.is(fifty.length, 50);
  const { j } = await sealAndScan(new Ntag213(), request({ link: fifty }));
  assert.is(j.verdict, 'genuine');
  const w = await world([new Ntag213()]);
  const a = await w.reader.activate();
  if (!a.ok) throw new Error(a.message);
  const r = await sealTag(w.reader, a.value, request({ link: fifty + 'K' }), crypto);
  assert.ok(!r.ok && r.stage === 'memory' && r.error.finding.code === 'NDEF_TOO_LARGE', JSON.stringify(r));
});

test('an Ultralight EV1 MF0UL21 takes a seal with a link of up to 39 characters', async () => {
  for (const [link, fits] of [['https://a.co/01/09506000134352/21/78901', true], ['https://a.co/01/09506000134352/21/789012', false]] as const) {
    const w = await world([new UltralightEV1()]);
    const a = await w.reader.activate();
    if (!a.ok) throw new Error(a.message);
    const r = await sealTag(w.reader, a.value, request({ link }), crypto);
    assert.is(r.ok, fits, `${link.length} characters`);
  }
});

test('a tag pulled away during the read is unreadable', async () => {
  const tag = new Ntag216();
  const { j } = await sealAndScan(tag, request(), trust, NOW, (w) => pullAwayAfterBytes(w.field, tag, 100));
  assert.is(j.verdict, 'unreadable');
  assert.match(j.headline, /tap again/);
});

test('the sealer refuses a malformed link, an already sealed tag, and protects on request', async () => {
  const w = await world([new Ntag213()]);
  const a = await w.reader.activate();
  if (!a.ok) throw new Error(a.message);
  const bad = await sealTag(w.reader, a.value, request({ link: 'https://id.gs1.org/01/09506000134353' }), crypto);
  assert.ok(!bad.ok && bad.stage === 'link' && bad.finding.code === 'DL_GTIN_CHECK_DIGIT');
  const pwd = bytes('A1B2C3D4');
  const ok = await sealTag(w.reader, a.value, request({ protect: { password: pwd, pack: bytes('5A5A') } }), crypto);
  assert.ok(ok.ok, JSON.stringify(ok));
  await w.reader.resetField();
  const b = await w.reader.activate();
  if (!b.ok) throw new Error(b.message);
  const again = await sealTag(w.reader, b.value, request(), crypto);
  assert.ok(!again.ok && again.stage === 'sealed' && /already carries a seal/.test(again.message));
  await w.reader.resetField();
  const c = await w.reader.activate();
  if (!c.ok) throw new Error(c.message);
  const forced = await sealTag(w.reader, c.value, request({ replace: true, sealedAt: Math.floor(NOW / 1000) }), crypto);
  assert.ok(!forced.ok && forced.stage === 'radio' && forced.error.reason === 'nak', 'write-protected without the password');
  await w.reader.resetField();
  const d = await w.reader.activate();
  if (!d.ok) throw new Error(d.message);
  const withPwd = await sealTag(w.reader, d.value, request({ replace: true, currentPassword: pwd, sealedAt: Math.floor(NOW / 1000) }), crypto);
  assert.ok(withPwd.ok && withPwd.pagesWritten > 0, JSON.stringify(withPwd));
});

test('without ECDSA on the platform the originality check is a note, not a verdict', async () => {
  const { reading } = await sealAndScan(new Ntag213(), request());
  const j = judge(reading, trust, { ...crypto, originality: undefined }, NOW);
  assert.is(j.verdict, 'genuine');
  assert.ok(j.reasons.includes('originality-unchecked'));
  const noEd = judge(reading, trust, { ...crypto, ed25519: undefined }, NOW);
  assert.is(noEd.verdict, 'unknown');
  assert.ok(noEd.reasons.includes('seal-unchecked'));
});

test.run();
