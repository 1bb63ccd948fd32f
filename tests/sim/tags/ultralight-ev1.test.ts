import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UltralightEV1 } from '../../../sim/tags/ultralight-ev1.js';
import { activate, cmd, fieldWith, nibble, send, std } from './helpers.js';

const ACK = 0xa;

test('MF0UL11 and MF0UL21: GET_VERSION, memory size and roll-over, OTP page, config pages', () => {
  const ul11 = new UltralightEV1({ variant: 'MF0UL11' });
  const f11 = fieldWith(ul11);
  activate(f11, ul11.uid);
  assert.equal(cmd(f11, [0x60]), [0x00, 0x04, 0x03, 0x01, 0x01, 0x00, 0x0b, 0x03]);
  const r = cmd(f11, [0x30, 0x10]);
  assert.equal(r.slice(0, 8), [0x00, 0x00, 0x00, 0xff, 0x00, 0x05, 0x00, 0x00]);
  assert.equal(r.slice(8, 16), [0, 0, 0, 0, 0, 0, 0, 0], 'PWD/PACK hidden');
  assert.equal(cmd(f11, [0x30, 0x12]).slice(8, 12), cmd(f11, [0x30, 0x00]).slice(0, 4), 'roll-over after 13h');
  assert.is(nibble(f11, [0x30, 0x14]), 0x0);

  const ul21 = new UltralightEV1();
  const f21 = fieldWith(ul21);
  activate(f21, ul21.uid);
  assert.equal(cmd(f21, [0x60]).slice(6), [0x0e, 0x03]);
  assert.equal(cmd(f21, [0x30, 0x03]).slice(0, 4), [0, 0, 0, 0], 'EV1 is delivered with an empty OTP page');
  assert.is(cmd(f21, [0x3a, 0x00, 0x28]).length, 41 * 4);
});

test('counters: READ_CNT 0..2, INCR_CNT adds 24-bit values with an EEPROM delay, NAK on overflow', () => {
  const tag = new UltralightEV1({ counters: [1, 2, 0xfffffe] });
  const field = fieldWith(tag);
  activate(field, tag.uid);
  assert.equal(cmd(field, [0x39, 0x01]), [2, 0, 0]);
  const ex = send(field, std([0xa5, 0x00, 0x10, 0x01, 0x00, 0x77]));
  assert.is(ex.answer!.bytes[0], ACK);
  assert.ok(ex.delayUs > 4000);
  assert.equal(cmd(field, [0x39, 0x00]), [0x11, 0x01, 0x00], 'byte v3 ignored');
  assert.is(nibble(field, [0xa5, 0x02, 0x02, 0x00, 0x00, 0x00]), 0x0, 'would pass FFFFFFh');
  assert.equal(tag.counters, [0x111, 2, 0xfffffe]);
  activate(field, tag.uid);
  assert.is(nibble(field, [0x39, 0x03]), 0x0);
  activate(field, tag.uid);
  assert.equal(cmd(field, [0x3e, 0x02]), [0xbd]);
});

test('MF0UL21 dynamic lock bits lock pairs of pages from 10h; MF0UL11 has none', () => {
  const tag = new UltralightEV1();
  const field = fieldWith(tag);
  activate(field, tag.uid);
  assert.is(nibble(field, [0xa2, 0x24, 0x02, 0x00, 0x00, 0x00]), ACK, 'bit 1 = pages 12h-13h');
  assert.is(nibble(field, [0xa2, 0x11, 1, 1, 1, 1]), ACK);
  assert.is(nibble(field, [0xa2, 0x12, 1, 1, 1, 1]), 0x0);
  activate(field, tag.uid);
  assert.is(nibble(field, [0xa2, 0x13, 1, 1, 1, 1]), 0x0);
  activate(field, tag.uid);
  assert.is(nibble(field, [0xa2, 0x14, 1, 1, 1, 1]), ACK);
});

test('PWD_AUTH and AUTH0 on EV1; VCSL is not modelled (silent)', () => {
  const tag = new UltralightEV1({ variant: 'MF0UL11', password: [1, 2, 3, 4], pack: [5, 6], auth0: 0x04, prot: true });
  const field = fieldWith(tag);
  activate(field, tag.uid);
  assert.is(nibble(field, [0x30, 0x04]), 0x0);
  activate(field, tag.uid);
  assert.equal(cmd(field, [0x1b, 1, 2, 3, 4]), [5, 6]);
  assert.is(cmd(field, [0x30, 0x04]).length, 16);
  assert.is(send(field, std([0x4b, ...new Array(20).fill(0)])).answer, null);
  assert.is(tag.state, 'IDLE');
});

test.run();
