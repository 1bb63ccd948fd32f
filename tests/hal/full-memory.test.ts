// Must-show of the RF stack: our driver over the register-level SimMfrc522 reads the complete memory of every
// virtual tag type and it equals the tag's memory; NDEF messages written through the driver read back equal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { world } from '../../sim/sweeps/world.js';
import { Ntag213, Ntag215, Ntag216, Ntag213TT, UltralightEV1, MifareClassic1K } from '../../sim/tags/index.js';
import { Type2Tag } from '../../firmware/tags/type2.js';
import { MifareClassic1K as ClassicProtocol } from '../../firmware/tags/classic.js';
import { readNdef, writeNdef } from '../../firmware/tags/type2-ndef-io.js';
import { uriRecord, textRecord } from '../../firmware/tags/ndef-records.js';
import { encodeNdefMessage, type NdefRecord } from '../../firmware/tags/ndef.js';
import type { Picc } from '../../sim/rf/air.js';

type T2 = Ntag213 | Ntag215 | Ntag216 | Ntag213TT | UltralightEV1;
const type2: Array<[string, () => T2]> = [
  ['NTAG213', () => new Ntag213()],
  ['NTAG215', () => new Ntag215()],
  ['NTAG216', () => new Ntag216()],
  ['NTAG213 TT', () => new Ntag213TT()],
  ['Ultralight EV1 MF0UL11', () => new UltralightEV1({ variant: 'MF0UL11' })],
  ['Ultralight EV1 MF0UL21', () => new UltralightEV1({ variant: 'MF0UL21' })],
];

async function selected(tag: Picc) {
  const w = await world([tag]);
  const a = await w.reader.activate();
  if (!a.ok) throw new Error(a.message);
  return { w, a: a.value };
}

for (const [name, make] of type2) {
  test(`${name}: the whole memory read through the driver equals the tag's (7-byte UID)`, async () => {
    const tag = make();
    // Fill the user memory with a pattern so that every page is distinct.
    const { w, a } = await selected(tag);
    assert.is(a.uid.length, 7);
    const t = new Type2Tag(w.reader, a);
    const id = await t.getVersion();
    assert.ok(id.ok && id.value.kind === 'known', name);
    for (let p = t.spec!.userStart; p <= t.spec!.userEnd; p++) {
      const wr = await t.write(p, Uint8Array.of(p, p ^ 0x5a, ~p & 0xff, 0x33));
      assert.ok(wr.ok, `write page ${p}`);
    }
    const all = await t.readAll();
    assert.ok(all.ok, all.ok ? '' : all.message);
    if (!all.ok) return;
    const expected = tag.dump().slice(0, all.value.length);
    const spec = t.spec!;
    if (spec.pwdPage >= 0) expected.fill(0, spec.pwdPage * 4, spec.pwdPage * 4 + 4);
    if (spec.packPage >= 0) expected.fill(0, spec.packPage * 4, spec.packPage * 4 + 4);
    assert.is(all.value.length, spec.pages * 4);
    assert.equal(Array.from(all.value), Array.from(expected));
  });

  test(`${name}: an NDEF message written through the driver reads back equal`, async () => {
    const tag = make();
    const { w, a } = await selected(tag);
    const t = new Type2Tag(w.reader, a);
    const uri = uriRecord('https://id.gs1.org/01/09506000134352/21/Z9');
    const text = textRecord('sealed', 'en');
    assert.ok(uri.ok && text.ok);
    if (!uri.ok || !text.ok) return;
    const records: NdefRecord[] = name.includes('MF0UL11') ? [text.value] : [uri.value, text.value];
    const written = await writeNdef(t, records, { format: true });
    assert.ok(written.ok, JSON.stringify(written));
    await w.reader.resetField();
    const again = await w.reader.activate();
    assert.ok(again.ok);
    if (!again.ok) return;
    const back = await readNdef(new Type2Tag(w.reader, again.value));
    assert.ok(back.ok, JSON.stringify(back));
    if (!back.ok) return;
    const expected = encodeNdefMessage(records);
    assert.ok(expected.ok);
    if (expected.ok) assert.equal(Array.from(back.value.message), Array.from(expected.value));
  });
}

test('MIFARE Classic 1K: all 64 blocks read sector by sector equal the card (keys as the card shows them)', async () => {
  const blocks: { [b: number]: number[] } = {};
  for (let b = 1; b < 64; b++) if (b % 4 !== 3) blocks[b] = Array.from({ length: 16 }, (_, i) => (b * 16 + i) & 0xff);
  const card = new MifareClassic1K({ blocks });
  const { w, a } = await selected(card);
  const c = new ClassicProtocol(w.reader, a);
  const key = new Uint8Array(6).fill(0xff);
  const read = new Uint8Array(1024);
  for (let sector = 0; sector < 16; sector++) {
    const auth = await c.authenticate(sector * 4, 'A', key);
    assert.ok(auth.ok, `sector ${sector}`);
    for (let i = 0; i < 4; i++) {
      const r = await c.readBlock(sector * 4 + i);
      assert.ok(r.ok, `block ${sector * 4 + i}`);
      if (r.ok) read.set(r.value, (sector * 4 + i) * 16);
    }
  }
  c.stop();
  const expected = card.dump();
  // A trailer read shows key A as zeros (never readable) and key B as stored when the access bits allow reading it.
  for (let s = 0; s < 16; s++) expected.fill(0, (s * 4 + 3) * 16, (s * 4 + 3) * 16 + 6);
  assert.equal(Array.from(read), Array.from(expected));
});

test.run();
