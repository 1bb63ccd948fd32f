// The digest the repeat window compares: equal for two reads of the same tag, different when any byte the verdict
// looks at differs, and blind only to the NFC counter (which counts the reads themselves).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { world, hex } from '../../sim/sweeps/world.js';
import { Ntag213, Ntag213TT } from '../../sim/tags/index.js';
import { createNodeCrypto } from '../../hal/node/crypto.js';
import { readType2, readingDigest, type Type2Reading } from '../../firmware/scan/read-tag.js';
import type { Picc } from '../../sim/rf/air.js';

const crypto = createNodeCrypto();
const digest = (r: Parameters<typeof readingDigest>[0]) => hex(readingDigest(r, crypto));

/** One inspector's tap: field off and on, activate, read. */
async function read(tag: Picc, w?: Awaited<ReturnType<typeof world>>): Promise<Type2Reading> {
  const ww = w ?? (await world([tag]));
  await ww.reader.resetField();
  const a = await ww.reader.activate();
  if (!a.ok) throw new Error(a.message);
  return readType2(ww.reader, a.value);
}

function flip(b: Uint8Array, i: number): Uint8Array {
  const c = b.slice();
  c[i] ^= 0x01;
  return c;
}

test('two reads of the same tag digest alike, the NFC counter notwithstanding', async () => {
  const tag = new Ntag213({ nfcCounterEnabled: true });
  const w = await world([tag]);
  const a = await read(tag, w);
  const b = await read(tag, w);
  assert.ok(a.counter !== undefined && b.counter !== undefined && a.counter !== b.counter, 'the counter moved between the reads');
  assert.is(readingDigest(a, crypto).length, 32);
  assert.is(digest(a), digest(b));
});

test('a change in any byte the verdict looks at changes the digest', async () => {
  const tt = new Ntag213TT();
  const r = await read(tt);
  assert.ok(r.memory && r.signature && r.tamper && r.version, 'a complete reading');
  const base = digest(r);
  const act = r.activation;
  const variants: Array<[string, Type2Reading]> = [
    ['uid', { ...r, activation: { ...act, uid: flip(act.uid, 6) } }],
    ['atqa', { ...r, activation: { ...act, atqa: flip(act.atqa, 1) } }],
    ['sak', { ...r, activation: { ...act, sak: act.sak ^ 0x20 } }],
    ['version', { ...r, version: flip(r.version!, 7) }],
    ['no version', { ...r, version: null }],
    ['memory byte', { ...r, memory: flip(r.memory!, 100) }],
    ['memory cut short', { ...r, memory: r.memory!.subarray(0, r.memory!.length - 4) }],
    ['no memory', { ...r, memory: undefined }],
    ['empty memory', { ...r, memory: new Uint8Array(0) }],
    ['signature', { ...r, signature: flip(r.signature!, 31) }],
    ['no signature', { ...r, signature: undefined }],
    ['tamper status', { ...r, tamper: { ...r.tamper!, status: 'open' } }],
    ['tamper message', { ...r, tamper: { ...r.tamper!, message: flip(r.tamper!.message, 0) } }],
    ['no tamper reading', { ...r, tamper: undefined }],
    ['a failed step', { ...r, error: { ok: false, reason: 'timeout', message: 'x' }, failedStep: 'counter' }],
  ];
  const seen = new Map<string, string>([[base, 'the reading']]);
  for (const [what, v] of variants) {
    const d = digest(v);
    assert.ok(!seen.has(d), `${what}: digest equals that of ${seen.get(d)}`);
    seen.set(d, what);
  }
  assert.is(digest({ ...r, counter: 12345 }), base, 'the counter is left out');
});

test('bytes do not slide between fields: memory and signature are delimited', async () => {
  const r = await read(new Ntag213());
  const m = r.memory!;
  const s = r.signature!;
  const joined = new Uint8Array(m.length + s.length);
  joined.set(m);
  joined.set(s, m.length);
  const a = { ...r, memory: joined.subarray(0, m.length - 1), signature: joined.slice(m.length - 1) };
  assert.is.not(digest(a), digest(r));
});

test.run();
