// readNdef/writeNdef and the configuration helpers over a memory-backed fake tag: which commands they send.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Type2Tag } from '../../firmware/tags/type2.js';
import { specFor } from '../../firmware/tags/type2-catalog.js';
import { readNdef, writeNdef } from '../../firmware/tags/type2-ndef-io.js';
import { uriRecord } from '../../firmware/tags/ndef-records.js';
import { decodeConfig, protect, setProtection } from '../../firmware/tags/type2-config.js';
import { isFinding } from '../../firmware/tags/findings.js';
import { ScriptPcd, activation } from './script-pcd.js';
import { blankNtag213, formattedNtag213, memoryTag, NTAG213_VERSION } from './memory-tag.js';

const UID = [0x04, 0xe1, 0x41, 0x12, 0x4c, 0x28, 0x80];

function ok<T>(r: { ok: true; value: T } | { ok: false; message?: string; finding?: { code: string; message: string } }): T {
  if (!r.ok) throw new Error(r.finding ? r.finding.code + ': ' + r.finding.message : String(r.message));
  return r.value;
}

function setup(memory: Uint8Array, known = true) {
  const mt = memoryTag(memory, NTAG213_VERSION);
  const pcd = new ScriptPcd(mt.handler);
  const tag = new Type2Tag(pcd, activation(UID), known ? { spec: specFor('NTAG213') } : {});
  return { mt, pcd, tag };
}

const nxp = () => ok(uriRecord('https://nxp.com'));

test('writeNdef then readNdef: the reference example lands in pages 4–7', async () => {
  const { mt, tag } = setup(formattedNtag213());
  const report = ok(await writeNdef(tag, [nxp()]));
  assert.equal(report.pages, [5, 6, 7, 4]);
  assert.equal([...mt.memory.subarray(16, 31)], [0x03, 0x0c, 0xd1, 0x01, 0x08, 0x55, 0x04, 0x6e, 0x78, 0x70, 0x2e, 0x63, 0x6f, 0x6d, 0xfe]);
  const read = ok(await readNdef(tag));
  assert.is(read.records.length, 1);
  assert.is(read.layout.dataEnd, 160);
});

test('type unknown: readNdef uses READ only and stops once the NDEF TLV is complete', async () => {
  const m = formattedNtag213();
  m.set([0x03, 0x0c, 0xd1, 0x01, 0x08, 0x55, 0x04, 0x6e, 0x78, 0x70, 0x2e, 0x63, 0x6f, 0x6d, 0xfe], 16);
  const { pcd, tag } = setup(m, false);
  ok(await readNdef(tag));
  assert.equal(pcd.frames(), [[0x30, 0], [0x30, 4]]); // the 15-byte TLV fits in pages 4–7
  const longer = setup(formattedNtag213());
  ok(await writeNdef(longer.tag, [ok(uriRecord('https://id.gs1.org/01/09506000134352/21/ABCDEF'))]));
  const unknown = new Type2Tag(new ScriptPcd(longer.mt.handler), activation(UID));
  const read = ok(await readNdef(unknown));
  assert.is(read.message.length, 43);
  assert.equal((unknown.pcd as ScriptPcd).frames(), [[0x30, 0], [0x30, 4], [0x30, 8], [0x30, 12]]); // TLV at bytes 16–60
});

test('type known: FAST_READ chunks of 15 pages; a NAK on the way is returned as it is', async () => {
  const m = formattedNtag213();
  const { pcd, tag } = setup(m);
  ok(await readNdef(tag));
  assert.equal(pcd.frames(), [[0x30, 0], [0x3a, 4, 18]]);
  const short = new Uint8Array(20 * 4); // a tag smaller than its CC claims
  short.set(m.subarray(0, 20 * 4));
  short.set([0x03, 0xff, 0x00, 0x80], 16);
  const s = setup(short, false);
  const r = await readNdef(s.tag);
  assert.ok(!r.ok && !isFinding(r) && r.reason === 'nak');
});

test('a CC larger than the known tag is CC_SIZE; blank needs format; format asks GET_VERSION when needed', async () => {
  const big = formattedNtag213();
  big[14] = 0x13;
  const r = await readNdef(setup(big).tag);
  assert.ok(isFinding(r) && r.finding.code === 'CC_SIZE' && r.finding.offset === 14);

  const blank = setup(blankNtag213(), false);
  const refused = await writeNdef(blank.tag, [nxp()]);
  assert.ok(isFinding(refused) && refused.finding.code === 'CC_BLANK');
  const report = ok(await writeNdef(blank.tag, [nxp()], { format: true }));
  assert.ok(report.formatted);
  assert.equal(blank.pcd.frames().filter((f) => f[0] === 0x60), [[0x60]]);
  assert.equal([...blank.mt.memory.subarray(12, 16)], [0xe1, 0x10, 0x12, 0x00]);
  assert.is(blank.mt.writes[blank.mt.writes.length - 1], 3);
  assert.ok(blank.mt.writes.every((p) => p >= 3));
});

test('protect: PWD, PACK, then ACCESS, then AUTH0 (AUTH0 last so the session can finish)', async () => {
  const { mt, pcd, tag } = setup(formattedNtag213());
  ok(await protect(tag, Uint8Array.of(1, 2, 3, 4), Uint8Array.of(5, 6), { auth0: 4, protectReads: true, authLimit: 3 }));
  const writes = pcd.frames().filter((f) => f[0] === 0xa2);
  assert.equal(writes.map((f) => f[1]), [0x2b, 0x2c, 0x2a, 0x29]);
  assert.equal(writes[1].slice(2), [5, 6, 0, 0]);
  const cfg = decodeConfig(mt.memory.subarray(0x29 * 4, 0x29 * 4 + 4), mt.memory.subarray(0x2a * 4, 0x2a * 4 + 4));
  assert.equal([cfg.auth0, cfg.protectReads, cfg.authLimit, cfg.configLocked], [4, true, 3, false]);
  // nothing to change: nothing written
  const before = pcd.calls.length;
  ok(await setProtection(tag, { auth0: 4, protectReads: true }));
  assert.equal(pcd.frames().slice(before), [[0x30, 0x29]]);
});

test('config helpers refuse a tag without configuration pages', async () => {
  const ul = new Type2Tag(new ScriptPcd(memoryTag(new Uint8Array(64), null).handler), activation(UID), { spec: specFor('MF0ICU1') });
  const r = await setProtection(ul, { auth0: 4, protectReads: false });
  assert.ok(!r.ok && r.reason === 'unexpected' && r.message.includes('MF0ICU1'));
});

test.run();
