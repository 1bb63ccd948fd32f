// Type 2 tag commands: exact frames, CRC flags, timeouts, answer checks, NAK mapping, FAST_READ chunking.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { HalError } from '../../hal/errors.js';
import { FAST_READ_MAX_PAGES, Type2Tag } from '../../firmware/tags/type2.js';
import { lookupVersion, specFor, type2Catalog } from '../../firmware/tags/type2-catalog.js';
import { radioError } from '../../hal/radio.js';
import { ScriptPcd, ack, activation, data, nak, sequence, silence } from './script-pcd.js';
import { memoryTag, NTAG213_VERSION } from './memory-tag.js';

const UID = [0x04, 0xe1, 0x41, 0x12, 0x4c, 0x28, 0x80];
const range = (n: number, f: (i: number) => number = (i) => i) => Array.from({ length: n }, (_, i) => f(i));

function tag(pcd: ScriptPcd, model?: Parameters<typeof specFor>[0]) {
  return new Type2Tag(pcd, activation(UID), model ? { spec: specFor(model) } : {});
}

test('GET_VERSION: frame 60h with CRC both ways, 5 ms, and the catalog names every known answer', async () => {
  const cases: Array<[number[], string]> = [
    [NTAG213_VERSION, 'NTAG213'],
    [[0, 4, 4, 2, 1, 0, 0x11, 3], 'NTAG215'],
    [[0, 4, 4, 2, 1, 0, 0x13, 3], 'NTAG216'],
    [[0, 4, 4, 2, 3, 0, 0x0f, 3], 'NTAG213 TT'],
    [[0, 4, 3, 1, 1, 0, 0x0b, 3], 'MF0UL11'],
    [[0, 4, 3, 2, 1, 0, 0x0b, 3], 'MF0UL11'], // MF0ULH11: 50 pF subtype
    [[0, 4, 3, 1, 1, 0, 0x0e, 3], 'MF0UL21'],
  ];
  for (const [version, model] of cases) {
    const pcd = new ScriptPcd(sequence([data(version)]));
    const r = await tag(pcd).getVersion();
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.is(r.value.kind, 'known');
    assert.is(r.value.spec?.model, model);
    assert.equal(pcd.calls[0].frame, [0x60]);
    assert.equal(pcd.calls[0].options, { txCrc: true, rxCrc: true, timeoutUs: 5000 });
  }
});

test('GET_VERSION: unknown bytes, silence (MF0ICU1), NAK and radio errors are typed results', async () => {
  const unknown = await tag(new ScriptPcd(sequence([data([0, 4, 4, 4, 1, 0, 0x15, 3])]))).getVersion();
  assert.ok(unknown.ok && unknown.value.kind === 'unknown' && unknown.value.spec === null);
  if (unknown.ok) assert.is(unknown.value.storageBytes, 1024);
  const t = tag(new ScriptPcd(sequence([silence()])));
  const quiet = await t.getVersion();
  assert.ok(quiet.ok && quiet.value.kind === 'no-version');
  assert.is(t.spec?.model, 'MF0ICU1');
  const naked = await tag(new ScriptPcd(sequence([nak(0)]))).getVersion();
  assert.ok(naked.ok && naked.value.kind === 'no-version');
  const damaged = await tag(new ScriptPcd(sequence([nak(1)]))).getVersion();
  assert.ok(!damaged.ok && damaged.reason === 'nak' && damaged.nak === 1);
  const crc = await tag(new ScriptPcd(sequence([radioError('crc', 'bad CRC')]))).getVersion();
  assert.ok(!crc.ok && crc.reason === 'crc' && crc.message.startsWith('GET_VERSION'));
  const short = await tag(new ScriptPcd(sequence([data([0, 4, 4])]))).getVersion();
  assert.ok(!short.ok && short.reason === 'unexpected');
});

test('catalog: page maps of reference §5.1 and no two entries share a version', () => {
  const n213 = specFor('NTAG213');
  assert.equal([n213.pages, n213.userEnd, n213.dynamicLockPage, n213.cfg0Page, n213.cfg1Page, n213.pwdPage, n213.packPage], [45, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c]);
  const n216 = specFor('NTAG216');
  assert.equal([n216.pages, n216.userEnd, n216.cfg0Page, n216.packPage], [231, 0xe1, 0xe3, 0xe6]);
  assert.equal(specFor('NTAG215').cc, [0xe1, 0x10, 0x3e, 0x00]);
  const ul21 = specFor('MF0UL21');
  assert.equal([ul21.pages, ul21.userEnd, ul21.dynamicLockPage, ul21.cfg0Page, ul21.packPage], [41, 0x23, 0x24, 0x25, 0x28]);
  for (const spec of type2Catalog()) {
    if (!spec.version) continue;
    const v = Uint8Array.from(spec.version);
    v[3] = spec.subtypes[0];
    assert.is(lookupVersion(v)?.model, spec.model);
    // CC data area = user memory rounded down to 8 bytes, inside the user pages
    assert.ok(16 + spec.cc[2] * 8 <= (spec.userEnd + 1) * 4, spec.model);
  }
});

test('READ: frame 30h page, 16 bytes back; ACK or a short answer is unexpected', async () => {
  const pcd = new ScriptPcd(sequence([data(range(16)), ack(), data(range(12))]));
  const t = tag(pcd);
  const r = await t.read(0x2a);
  assert.ok(r.ok);
  if (r.ok) assert.equal([...r.value], range(16));
  assert.equal(pcd.calls[0].frame, [0x30, 0x2a]);
  assert.equal(pcd.calls[0].options, { txCrc: true, rxCrc: true, timeoutUs: 5000 });
  const a = await t.read(4);
  assert.ok(!a.ok && a.reason === 'unexpected');
  const s = await t.read(4);
  assert.ok(!s.ok && s.reason === 'unexpected' && /96 bits, expected 128/.test(s.message));
});

test('a NAK becomes reason nak with its code and a message naming command and page', async () => {
  const pcd = new ScriptPcd(sequence([nak(0x0), nak(0x5)]));
  const t = tag(pcd);
  const r = await t.read(0xe7);
  assert.ok(!r.ok);
  if (r.ok) return;
  assert.is(r.reason, 'nak');
  assert.is(r.nak, 0);
  assert.match(r.message, 'READ page E7h');
  assert.match(r.message, 're-activated');
  const w = await t.write(0x2a, Uint8Array.of(1, 2, 3, 4));
  assert.ok(!w.ok && w.reason === 'nak' && w.nak === 5 && w.message.includes('WRITE page 2Ah') && w.message.includes('EEPROM'));
});

test('WRITE: frame A2h page d0..d3, CRC out, no CRC expected on the 4-bit ACK, 10 ms', async () => {
  const pcd = new ScriptPcd(sequence([ack(), data([1, 2])]));
  const t = tag(pcd);
  const r = await t.write(5, Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
  assert.ok(r.ok);
  assert.equal(pcd.calls[0].frame, [0xa2, 5, 0xde, 0xad, 0xbe, 0xef]);
  assert.equal(pcd.calls[0].options, { txCrc: true, rxCrc: false, timeoutUs: 10000 });
  const odd = await t.write(5, Uint8Array.of(0, 0, 0, 0));
  assert.ok(!odd.ok && odd.reason === 'unexpected');
});

test('COMPATIBILITY_WRITE: A0h page, then 16 bytes (data + 12 zeros), each ACKed', async () => {
  const pcd = new ScriptPcd(sequence([ack(), ack(), ack(), nak(0)]));
  const t = tag(pcd);
  assert.ok((await t.compatibilityWrite(6, Uint8Array.of(9, 8, 7, 6))).ok);
  assert.equal(pcd.frames(), [[0xa0, 6], [9, 8, 7, 6, ...range(12, () => 0)]]);
  assert.is(pcd.calls[1].options.timeoutUs, 10000);
  const r = await t.compatibilityWrite(6, Uint8Array.of(1, 1, 1, 1));
  assert.ok(!r.ok && r.reason === 'nak' && r.message.includes('part 2'));
});

test('PWD_AUTH: 1Bh + password, PACK back; a different expected PACK is an auth failure', async () => {
  const pcd = new ScriptPcd(sequence([data([0x12, 0x34]), data([0x12, 0x34]), data([0x99, 0x34]), nak(0)]));
  const t = tag(pcd);
  const pwd = Uint8Array.of(1, 2, 3, 4);
  const r = await t.pwdAuth(pwd);
  assert.ok(r.ok && r.value[0] === 0x12 && r.value[1] === 0x34);
  assert.equal(pcd.calls[0].frame, [0x1b, 1, 2, 3, 4]);
  assert.equal(pcd.calls[0].options, { txCrc: true, rxCrc: true, timeoutUs: 5000 });
  assert.ok((await t.pwdAuth(pwd, Uint8Array.of(0x12, 0x34))).ok);
  const bad = await t.pwdAuth(pwd, Uint8Array.of(0x12, 0x34));
  assert.ok(!bad.ok && bad.reason === 'auth' && bad.message.includes('99 34'));
  const wrong = await t.pwdAuth(pwd);
  assert.ok(!wrong.ok && wrong.reason === 'nak');
});

test('READ_CNT, READ_SIG and READ_TT_STATUS frames and decoding', async () => {
  const sig = range(32, (i) => 0xa0 + i);
  const pcd = new ScriptPcd(
    sequence([data([0x01, 0x02, 0x03]), data(sig), data([1, 2, 3, 4, 0x4f]), data([0, 0, 0, 0, 0x43]), data([0, 0, 0, 0, 0x49]), data([0, 0, 0, 0, 0x58])]),
  );
  const t = tag(pcd);
  const c = await t.readCounter();
  assert.ok(c.ok && c.value === 0x030201);
  const s = await t.readSignature();
  assert.ok(s.ok);
  if (s.ok) assert.equal([...s.value], sig);
  const open = await t.readTamperStatus();
  assert.ok(open.ok && open.value.status === 'open');
  if (open.ok) assert.equal([...open.value.message], [1, 2, 3, 4]);
  const closed = await t.readTamperStatus();
  assert.ok(closed.ok && closed.value.status === 'closed');
  const invalid = await t.readTamperStatus();
  assert.ok(invalid.ok && invalid.value.status === 'invalid');
  const odd = await t.readTamperStatus();
  assert.ok(!odd.ok && odd.reason === 'unexpected');
  assert.equal(pcd.frames().slice(0, 3), [[0x39, 0x02], [0x3c, 0x00], [0xa4, 0x00]]);
  for (const call of pcd.calls) assert.equal(call.options, { txCrc: true, rxCrc: true, timeoutUs: 5000 });
});

test('FAST_READ never asks for more than 15 pages and reassembles the answer (property)', async () => {
  const memory = Uint8Array.from(range(256 * 4, (i) => (i * 7 + (i >> 8)) & 0xff));
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), async (a, b) => {
      const [start, end] = a <= b ? [a, b] : [b, a];
      const pcd = new ScriptPcd((frame) => data(memory.slice(frame[1] * 4, (frame[2] + 1) * 4)));
      const r = await tag(pcd).fastRead(start, end);
      assert.ok(r.ok);
      if (!r.ok) return;
      assert.equal([...r.value], [...memory.slice(start * 4, (end + 1) * 4)]);
      let next = start;
      for (const call of pcd.calls) {
        const [cmd, s, e] = call.frame;
        assert.is(cmd, 0x3a);
        assert.is(s, next);
        assert.ok(e >= s && e - s + 1 <= FAST_READ_MAX_PAGES, `${s}..${e}`);
        assert.ok((e - s + 1) * 4 + 2 <= 64, 'answer and CRC fit the FIFO');
        next = e + 1;
      }
      assert.is(next, end + 1);
      assert.is(pcd.calls.length, Math.ceil((end - start + 1) / 15));
    }),
    { numRuns: 300 },
  );
});

test('FAST_READ stops at the first failing chunk', async () => {
  const pcd = new ScriptPcd(sequence([data(range(60)), nak(0)]));
  const r = await tag(pcd).fastRead(0, 44);
  assert.ok(!r.ok && r.reason === 'nak' && r.message.includes('FAST_READ pages 0Fh–1Dh'));
  assert.is(pcd.calls.length, 2);
});

test('readAll: FAST_READ over the whole map for NTAG, READ steps for MF0ICU1, identify first when needed', async () => {
  const mem = Uint8Array.from(range(45 * 4, (i) => i & 0xff));
  const t213 = memoryTag(mem, NTAG213_VERSION);
  const pcd = new ScriptPcd(t213.handler);
  const r = await new Type2Tag(pcd, activation(UID)).readAll();
  assert.ok(r.ok);
  if (r.ok) assert.equal([...r.value], [...mem]);
  assert.equal(pcd.frames().map((f) => f[0]), [0x60, 0x3a, 0x3a, 0x3a]);

  const ul = Uint8Array.from(range(64, (i) => 0x80 + i));
  const ulPcd = new ScriptPcd(memoryTag(ul, null).handler);
  const ulTag = new Type2Tag(ulPcd, activation(UID), { spec: specFor('MF0ICU1') });
  const u = await ulTag.readAll();
  assert.ok(u.ok);
  if (u.ok) assert.equal([...u.value], [...ul]);
  assert.equal(ulPcd.frames(), [[0x30, 0], [0x30, 4], [0x30, 8], [0x30, 12]]);

  const silent = await new Type2Tag(new ScriptPcd(sequence([silence()])), activation(UID)).readAll();
  assert.ok(!silent.ok && silent.message.includes('re-activate'));
  const unknown = await new Type2Tag(new ScriptPcd(sequence([data([0, 4, 4, 9, 1, 0, 0x0f, 3])])), activation(UID)).readAll();
  assert.ok(!unknown.ok && unknown.reason === 'unexpected');
});

test('misuse throws HalError BAD_ARGUMENT before anything is sent', async () => {
  const pcd = new ScriptPcd(sequence([]));
  const t = tag(pcd);
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof HalError ? e.code : 'other';
    }
    return 'none';
  };
  assert.is(code(() => t.read(256)), 'BAD_ARGUMENT');
  assert.is(code(() => t.read(-1)), 'BAD_ARGUMENT');
  assert.is(code(() => t.read(1.5)), 'BAD_ARGUMENT');
  assert.is(code(() => t.write(4, Uint8Array.of(1, 2, 3))), 'BAD_ARGUMENT');
  assert.is(code(() => t.fastRead(5, 4)), 'BAD_ARGUMENT');
  assert.is(code(() => t.pwdAuth(Uint8Array.of(1, 2, 3))), 'BAD_ARGUMENT');
  assert.is(code(() => t.readCounter(3)), 'BAD_ARGUMENT');
  assert.is(pcd.calls.length, 0);
});

test.run();
