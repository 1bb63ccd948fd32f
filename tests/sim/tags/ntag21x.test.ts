import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ntag213, Ntag215, Ntag216 } from '../../../sim/tags/ntag21x.js';
import type { Ntag21x } from '../../../sim/tags/ntag21x.js';
import { SIM_ORIGINALITY_PUBLIC_KEY, verifyUidSignature } from '../../../sim/tags/originality.js';
import type { RfField } from '../../../sim/rf/field.js';
import { activate, badCrc, cmd, fieldWith, hlta, nibble, send, silent, std, wupa } from './helpers.js';

const ACK = 0xa;
const UID = Uint8Array.of(0x04, 0xe1, 0x41, 0x12, 0x4c, 0x28, 0x80);

function active(tag: Ntag21x): RfField {
  const field = fieldWith(tag);
  activate(field, tag.uid);
  return field;
}

test('GET_VERSION per product, memory header, CC and factory config', () => {
  const cases: [Ntag21x, number[], number, number[]][] = [
    [new Ntag213({ uid: UID }), [0, 4, 4, 2, 1, 0, 0x0f, 3], 0x2c, [0xe1, 0x10, 0x12, 0x00]],
    [new Ntag215(), [0, 4, 4, 2, 1, 0, 0x11, 3], 0x86, [0xe1, 0x10, 0x3e, 0x00]],
    [new Ntag216(), [0, 4, 4, 2, 1, 0, 0x13, 3], 0xe6, [0xe1, 0x10, 0x6d, 0x00]],
  ];
  for (const [tag, version, last, cc] of cases) {
    const field = active(tag);
    assert.equal(cmd(field, [0x60]), version, tag.label);
    const head = cmd(field, [0x30, 0x00]);
    assert.is(head[0], 0x04, 'UID0 = NXP');
    assert.is(head[3], 0x88 ^ head[0] ^ head[1] ^ head[2], 'BCC0');
    assert.is(head[8], head[4] ^ head[5] ^ head[6] ^ head[7], 'BCC1');
    assert.equal(head.slice(12, 16), cc);
    const cfg = cmd(field, [0x30, last - 3]);
    assert.equal(cfg.slice(0, 8), [0x04, 0x00, 0x00, 0xff, 0x00, 0x05, 0x00, 0x00], 'CFG0/CFG1 factory values');
  }
  const head213 = cmd(active(new Ntag213({ uid: UID })), [0x30, 0x00]);
  assert.equal(head213.slice(0, 9), [0x04, 0xe1, 0x41, 0x2c, 0x12, 0x4c, 0x28, 0x80, 0xf6], 'NTAGF p.28 example');
});

test('READ rolls over to page 0 after the last page; PWD and PACK read as 00h', () => {
  const tag = new Ntag213({ uid: UID, password: [1, 2, 3, 4], pack: [0xaa, 0xbb] });
  const field = active(tag);
  const r = cmd(field, [0x30, 0x2a]);
  assert.equal(r.slice(0, 4), [0x00, 0x05, 0x00, 0x00], 'CFG1');
  assert.equal(r.slice(4, 12), [0, 0, 0, 0, 0, 0, 0, 0], 'PWD, PACK hidden');
  assert.equal(r.slice(12, 16), [0x04, 0xe1, 0x41, 0x2c], 'page 0 after 2Ch');
  assert.equal([...tag.page(0x2b)], [1, 2, 3, 4], 'back door sees the stored password');
  assert.is(nibble(field, [0x30, 0x2d]), 0x0, 'beyond the last page: NAK 0h');
  assert.is(tag.state, 'IDLE', 'a NAK resets the tag');
});

test('FAST_READ returns the range with no roll-over; NAK for bad ranges', () => {
  const data = Array.from({ length: 16 }, (_, i) => i + 1);
  const tag = new Ntag215({ userData: data });
  const field = active(tag);
  assert.equal(cmd(field, [0x3a, 0x04, 0x07]), data);
  assert.is(cmd(field, [0x3a, 0x00, 0x86]).length, 0x87 * 4);
  for (const bad of [
    [0x3a, 0x05, 0x04],
    [0x3a, 0x80, 0x87],
  ]) {
    activate(field, tag.uid);
    assert.is(nibble(field, bad), 0x0);
  }
});

test('WRITE: ACK after the EEPROM time; pages 0-1 refused; page 2 ORs only the lock bytes; CC is OTP', () => {
  const tag = new Ntag213({ uid: UID });
  const field = active(tag);
  const ex = send(field, std([0xa2, 0x04, 0xde, 0xad, 0xbe, 0xef]));
  assert.is(ex.answer!.bits, 4);
  assert.is(ex.answer!.bytes[0], ACK);
  assert.ok(ex.delayUs > 4000);
  assert.equal(cmd(field, [0x30, 0x04]).slice(0, 4), [0xde, 0xad, 0xbe, 0xef]);
  assert.is(nibble(field, [0xa2, 0x00, 1, 2, 3, 4]), 0x0);
  activate(field, UID);
  assert.is(nibble(field, [0xa2, 0x02, 0xff, 0xff, 0x00, 0x01]), ACK);
  assert.equal([...tag.page(2)], [0xf6, 0x48, 0x00, 0x01], 'UID byte kept, lock byte 1 set');
  assert.is(nibble(field, [0xa2, 0x03, 0x00, 0x00, 0x00, 0x01]), ACK);
  assert.equal([...tag.page(3)], [0xe1, 0x10, 0x12, 0x01], 'CC bits only go 0 → 1');
});

test('static lock bits lock pages; block-lock bits freeze lock bits; CC locked by L-CC', () => {
  const tag = new Ntag213({ uid: UID });
  const field = active(tag);
  // L4 (lock byte 0 bit 4) and BL15-10 (bit 2)
  assert.is(nibble(field, [0xa2, 0x02, 0, 0, 0x14, 0x00]), ACK);
  assert.is(nibble(field, [0xa2, 0x04, 1, 1, 1, 1]), 0x0, 'page 4 is read-only');
  activate(field, UID);
  assert.is(nibble(field, [0xa2, 0x05, 1, 1, 1, 1]), ACK, 'page 5 is not');
  assert.is(nibble(field, [0xa2, 0x02, 0, 0, 0x00, 0xfc]), ACK, 'the write is accepted…');
  assert.is(tag.page(2)[3], 0x00, '…but L15..L10 are frozen by BL15-10');
  assert.is(nibble(field, [0xa2, 0x02, 0, 0, 0x08, 0x00]), ACK);
  assert.is(nibble(field, [0xa2, 0x03, 0, 0, 0, 0x0f]), 0x0, 'CC locked by L-CC');
});

test('dynamic lock bits: NTAG213 locks 2 pages per bit, NTAG216 16 pages; BL bits freeze them; RFUI byte reads BDh', () => {
  const t213 = new Ntag213({ uid: UID });
  const f213 = active(t213);
  assert.equal(cmd(f213, [0x30, 0x28]).slice(0, 4), [0x00, 0x00, 0x00, 0xbd]);
  assert.is(nibble(f213, [0xa2, 0x28, 0x03, 0x00, 0x00, 0x00]), ACK, '03 00 00 locks pages 16-19 (NXP answer)');
  for (const p of [16, 17, 18, 19]) {
    activate(f213, UID);
    assert.is(nibble(f213, [0xa2, p, 9, 9, 9, 9]), 0x0, `page ${p}`);
  }
  activate(f213, UID);
  assert.is(nibble(f213, [0xa2, 20, 9, 9, 9, 9]), ACK);
  assert.is(nibble(f213, [0xa2, 0x28, 0x00, 0x00, 0x01, 0x00]), ACK, 'BL for lock bits 0-1');
  assert.is(nibble(f213, [0xa2, 0x28, 0x0c, 0x00, 0x00, 0x00]), ACK);
  assert.equal([...t213.page(0x28)], [0x0f, 0x00, 0x01, 0xbd], 'bits 2-3 still free, RFUI kept');
  assert.is(nibble(f213, [0xa2, 0x28, 0x00, 0x00, 0x04, 0x00]), ACK, 'BL for lock bits 4-5');
  assert.is(nibble(f213, [0xa2, 0x28, 0x30, 0x00, 0x00, 0x00]), ACK);
  assert.is(t213.page(0x28)[0], 0x0f, 'bits 4-5 frozen by their BL bit');

  const t216 = new Ntag216();
  const f216 = active(t216);
  assert.is(nibble(f216, [0xa2, 0xe2, 0x02, 0x00, 0x00, 0x00]), ACK, 'bit 1 = pages 32-47');
  assert.is(nibble(f216, [0xa2, 31, 1, 1, 1, 1]), ACK);
  assert.is(nibble(f216, [0xa2, 32, 1, 1, 1, 1]), 0x0);
  activate(f216, t216.uid);
  assert.is(nibble(f216, [0xa2, 47, 1, 1, 1, 1]), 0x0);
  activate(f216, t216.uid);
  assert.is(nibble(f216, [0xa2, 48, 1, 1, 1, 1]), ACK);
});

test('COMPATIBILITY_WRITE: ACK, then 16 bytes of which the first 4 are written, ACK after the EEPROM time', () => {
  const tag = new Ntag213({ uid: UID });
  const field = active(tag);
  assert.is(nibble(field, [0xa0, 0x06]), ACK);
  const data = [9, 8, 7, 6, ...new Array(12).fill(0)];
  const ex = send(field, std(data));
  assert.is(ex.answer!.bytes[0], ACK);
  assert.ok(ex.delayUs > 4000);
  assert.equal([...tag.page(6)], [9, 8, 7, 6]);
  assert.equal([...tag.page(7)], [0, 0, 0, 0]);
  assert.is(nibble(field, [0xa0, 0x01]), 0x0, 'part 1 NAK for a read-only page');
});

test('PWD_AUTH: PACK on success; wrong password NAK 0h and IDLE; write protection from AUTH0', () => {
  const tag = new Ntag213({ uid: UID, password: [0x11, 0x22, 0x33, 0x44], pack: [0x80, 0x81], auth0: 0x10 });
  const field = active(tag);
  assert.equal(cmd(field, [0x30, 0x10]).length, 16, 'PROT=0: reads stay free');
  assert.is(nibble(field, [0xa2, 0x10, 1, 2, 3, 4]), 0x0, 'writes from AUTH0 need the password');
  activate(field, UID);
  assert.is(nibble(field, [0xa2, 0x0f, 1, 2, 3, 4]), ACK, 'below AUTH0 is free');
  assert.is(nibble(field, [0x1b, 0, 0, 0, 0]), 0x0);
  assert.is(tag.state, 'IDLE');
  activate(field, UID);
  assert.equal(cmd(field, [0x1b, 0x11, 0x22, 0x33, 0x44]), [0x80, 0x81]);
  assert.ok(tag.authenticated);
  assert.is(nibble(field, [0xa2, 0x10, 1, 2, 3, 4]), ACK);
  send(field, hlta());
  assert.not.ok(tag.authenticated, 'HLTA ends the authenticated state');
  activate(field, UID, true);
  assert.is(nibble(field, [0xa2, 0x10, 1, 2, 3, 4]), 0x0);
});

test('PROT=1: reads from AUTH0 NAK; READ before AUTH0 rolls over at AUTH0; FAST_READ across AUTH0 NAKs', () => {
  const tag = new Ntag213({ uid: UID, auth0: 0x04, prot: true });
  const field = active(tag);
  const r = cmd(field, [0x30, 0x02]);
  assert.equal(r.slice(8, 12), [0x04, 0xe1, 0x41, 0x2c], 'pages 02 03 00 01 (reference §5.4)');
  assert.is(nibble(field, [0x30, 0x04]), 0x0);
  activate(field, UID);
  assert.is(nibble(field, [0x3a, 0x00, 0x04]), 0x0);
  activate(field, UID);
  cmd(field, [0x1b, 0xff, 0xff, 0xff, 0xff]);
  assert.is(cmd(field, [0x30, 0x04]).length, 16, 'readable after PWD_AUTH');
});

test('AUTHLIM: failures count (non-volatile) and reset on success; at the limit every PWD_AUTH gets NAK 4h', () => {
  const tag = new Ntag213({ uid: UID, password: [1, 2, 3, 4], authLimit: 2 });
  const field = active(tag);
  assert.is(nibble(field, [0x1b, 9, 9, 9, 9]), 0x0);
  activate(field, UID);
  cmd(field, [0x1b, 1, 2, 3, 4]);
  assert.is(tag.failedAuthAttempts, 0);
  activate(field, UID);
  assert.is(nibble(field, [0x1b, 9, 9, 9, 9]), 0x0);
  field.setField(false);
  field.setField(true);
  activate(field, UID);
  assert.is(nibble(field, [0x1b, 9, 9, 9, 9]), 0x0);
  assert.is(tag.failedAuthAttempts, 2);
  activate(field, UID);
  assert.is(nibble(field, [0x1b, 1, 2, 3, 4]), 0x4, 'even the right password is refused now');
});

test('CFGLCK locks CFG0/CFG1 but not PWD/PACK', () => {
  const tag = new Ntag213({ uid: UID });
  const field = active(tag);
  assert.is(nibble(field, [0xa2, 0x2a, 0x40, 0x05, 0x00, 0x00]), ACK);
  assert.is(nibble(field, [0xa2, 0x29, 0x04, 0x00, 0x00, 0x10]), 0x0);
  activate(field, UID);
  assert.is(nibble(field, [0xa2, 0x2b, 5, 6, 7, 8]), ACK);
  assert.equal([...tag.page(0x2b)], [5, 6, 7, 8]);
});

test('READ_CNT: NAK while NFC_CNT_EN is off; with it, +1 on the first READ/FAST_READ of each power-up only', () => {
  const off = new Ntag213({ uid: UID });
  const f0 = active(off);
  assert.is(nibble(f0, [0x39, 0x02]), 0x0);
  const tag = new Ntag216({ nfcCounterEnabled: true, nfcCounter: 0x0000ff });
  const field = active(tag);
  assert.equal(cmd(field, [0x39, 0x02]), [0xff, 0x00, 0x00], 'no read yet');
  cmd(field, [0x30, 0x04]);
  cmd(field, [0x3a, 0x04, 0x05]);
  assert.equal(cmd(field, [0x39, 0x02]), [0x00, 0x01, 0x00], 'one increment per power-up');
  assert.is(nibble(field, [0x39, 0x00]), 0x0, 'only counter 02h exists');
  field.setField(false);
  field.setField(true);
  activate(field, tag.uid);
  cmd(field, [0x3a, 0x04, 0x04]);
  assert.is(tag.nfcCounter, 0x101);
});

test('READ_CNT with NFC_CNT_PWD_PROT needs PWD_AUTH', () => {
  const tag = new Ntag213({ uid: UID, nfcCounterEnabled: true, nfcCounterPasswordProtected: true });
  const field = active(tag);
  assert.is(nibble(field, [0x39, 0x02]), 0x0);
  activate(field, UID);
  cmd(field, [0x1b, 0xff, 0xff, 0xff, 0xff]);
  assert.equal(cmd(field, [0x39, 0x02]), [0, 0, 0]);
});

test('READ_SIG returns a signature of the UID that verifies with the simulator key', () => {
  const tag = new Ntag215();
  const field = active(tag);
  const sig = Uint8Array.from(cmd(field, [0x3c, 0x00]));
  assert.is(sig.length, 32);
  assert.ok(verifyUidSignature(tag.uid, sig, SIM_ORIGINALITY_PUBLIC_KEY));
  assert.not.ok(verifyUidSignature(UID, sig, SIM_ORIGINALITY_PUBLIC_KEY));
});

test('unsupported command: silent, back to IDLE; bad CRC: NAK 1h; wrong length: NAK 0h', () => {
  const tag = new Ntag213({ uid: UID });
  const field = active(tag);
  assert.ok(silent(field, std([0x4b, 0x00])));
  assert.is(tag.state, 'IDLE');
  activate(field, UID);
  assert.is(nibble(field, badCrc([0x30, 0x04])), 0x1);
  assert.is(tag.state, 'IDLE');
  activate(field, UID);
  assert.is(nibble(field, [0x30, 0x04, 0x00]), 0x0);
  send(field, wupa());
  assert.is(tag.state, 'READY');
});

test.run();
