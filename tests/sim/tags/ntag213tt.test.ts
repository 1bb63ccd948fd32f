import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ntag213TT, TT_MESSAGE_PAGE } from '../../../sim/tags/ntag213tt.js';
import { activate, cmd, fieldWith, nibble } from './helpers.js';

const ACK = 0xa;
const C = 0x43;
const O = 0x4f;
const I = 0x49;

test('GET_VERSION of the NTAG213 TT; READ rolls over at 2Ch like an NTAG213 (TT_MESSAGE is not readable)', () => {
  const tag = new Ntag213TT();
  const field = fieldWith(tag);
  activate(field, tag.uid);
  assert.equal(cmd(field, [0x60]), [0x00, 0x04, 0x04, 0x02, 0x03, 0x00, 0x0f, 0x03]);
  assert.equal(cmd(field, [0x30, 0x2c]).slice(4, 8), cmd(field, [0x30, 0x00]).slice(0, 4));
  assert.is(nibble(field, [0x30, TT_MESSAGE_PAGE]), 0x0);
});

test('READ_TT_STATUS: closed loop → 00000000 + C', () => {
  const tag = new Ntag213TT({ tamperMessage: [0xde, 0xad, 0xbe, 0xef] });
  const field = fieldWith(tag);
  activate(field, tag.uid);
  assert.equal(cmd(field, [0xa4, 0x00]), [0, 0, 0, 0, C]);
  assert.is(tag.tamperStatus, 'C');
  assert.not.ok(tag.tamperDetected);
});

test('opening the loop shows at the next power-up: message + O, and the detection is permanent', () => {
  const tag = new Ntag213TT({ tamperMessage: [0xde, 0xad, 0xbe, 0xef] });
  const field = fieldWith(tag);
  tag.openTamperLoop();
  activate(field, tag.uid);
  assert.equal(cmd(field, [0xa4, 0x00]), [0, 0, 0, 0, C], 'measured at power-up, before the wire was cut');
  field.setField(false);
  field.setField(true);
  activate(field, tag.uid);
  assert.equal(cmd(field, [0xa4, 0x00]), [0xde, 0xad, 0xbe, 0xef, O]);
  tag.closeTamperLoop();
  field.remove(tag);
  field.place(tag);
  activate(field, tag.uid);
  assert.equal(cmd(field, [0xa4, 0x00]), [0xde, 0xad, 0xbe, 0xef, C], 'repaired wire: closed now, but the event stays');
  assert.ok(tag.tamperDetected);
});

test('TT disabled → I; TT_MESSAGE written with WRITE 2Dh unless locked; bad argument → NAK', () => {
  const off = new Ntag213TT({ tamperEnabled: false, tamperLoopClosed: false });
  const f0 = fieldWith(off);
  activate(f0, off.uid);
  assert.equal(cmd(f0, [0xa4, 0x00]).slice(4), [I]);
  assert.is(nibble(f0, [0xa4, 0x01]), 0x0);

  const tag = new Ntag213TT({ tamperLoopClosed: false });
  const field = fieldWith(tag);
  activate(field, tag.uid);
  assert.is(nibble(field, [0xa2, TT_MESSAGE_PAGE, 1, 2, 3, 4]), ACK);
  assert.equal(cmd(field, [0xa4, 0x00]), [1, 2, 3, 4, O]);
  assert.is(nibble(field, [0xa2, 0x29, 0x04, 0x06, 0x00, 0xff]), ACK, 'set TT message lock (CFG0 byte 1 bit 2)');
  assert.is(nibble(field, [0xa2, TT_MESSAGE_PAGE, 5, 6, 7, 8]), 0x0);
  assert.equal([...tag.page(TT_MESSAGE_PAGE)], [1, 2, 3, 4]);
});

test.run();
