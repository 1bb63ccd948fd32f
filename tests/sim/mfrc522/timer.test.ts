import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Reg } from '../../../sim/mfrc522/index.js';
import { rig, type Rig } from './helpers.js';

const TimerIRq = 0x01;
const TRunning = 0x08;

const us = (r: Rig, n: number) => r.clock.advance(n / 1000);
const counter = (r: Rig) => (r.read(Reg.TCounterValRegH) << 8) | r.read(Reg.TCounterValRegL);

/** Timer configured without SPI cost so that virtual time is exactly what the test advances. */
function timerRig(tmode: number, prescalerLo: number, reload: number, version = 0x92): Rig {
  const r = rig({ transferOverheadUs: 0, spiHz: 1e15, version });
  r.write(Reg.TModeReg, tmode);
  r.write(Reg.TPrescalerReg, prescalerLo);
  r.write(Reg.TReloadRegH, reload >> 8);
  r.write(Reg.TReloadRegL, reload & 0xff);
  r.write(Reg.ComIrqReg, 0x7f);
  return r;
}

test('Arduino settings: 40 kHz (25 µs) tick, TReload 1000 → TimerIRq after (1000+1)·25 µs', () => {
  const r = timerRig(0x00, 0xa9, 1000); // 13.56 MHz / (2·169 + 1) = 40 kHz exactly
  r.write(Reg.ControlReg, 0x40); // TStartNow
  assert.is(r.read(Reg.Status1Reg) & TRunning, TRunning);
  assert.is(counter(r), 1000);
  us(r, 10_000);
  assert.is(counter(r), 600);
  us(r, 15_000); // 25.000 ms: counter at 0, not yet underflowed
  assert.is(counter(r), 0);
  assert.is(r.read(Reg.ComIrqReg) & TimerIRq, 0);
  us(r, 24.9);
  assert.is(r.read(Reg.ComIrqReg) & TimerIRq, 0);
  us(r, 0.1); // 25.025 ms
  assert.is(r.read(Reg.ComIrqReg) & TimerIRq, TimerIRq);
  assert.is(r.read(Reg.Status1Reg) & TRunning, 0, 'one-shot: stopped');
  assert.is(counter(r), 0);
});

test('mfrc522-rpi settings: prescaler D3Eh, TReload 30 → ≈ 15.5 ms', () => {
  const r = timerRig(0x8d, 0x3e, 30);
  r.write(Reg.ControlReg, 0x40);
  const periodUs = ((2 * 0xd3e + 1) * 31 * 1e6) / 13.56e6;
  us(r, periodUs - 1);
  assert.is(r.read(Reg.ComIrqReg) & TimerIRq, 0);
  us(r, 1);
  assert.is(r.read(Reg.ComIrqReg) & TimerIRq, TimerIRq);
  assert.ok(Math.abs(periodUs - 15_502.5) < 1);
});

test('TAutoRestart reloads and keeps running', () => {
  const r = timerRig(0x10, 0xa9, 3); // period 4 · 25 µs
  r.write(Reg.ControlReg, 0x40);
  us(r, 250); // 10 ticks: two underflows, 2 ticks into the third period
  assert.is(r.read(Reg.ComIrqReg) & TimerIRq, TimerIRq);
  assert.is(r.read(Reg.Status1Reg) & TRunning, TRunning);
  assert.is(counter(r), 1);
  r.write(Reg.ComIrqReg, TimerIRq);
  us(r, 25);
  assert.is(r.read(Reg.ComIrqReg) & TimerIRq, 0);
  us(r, 25);
  assert.is(r.read(Reg.ComIrqReg) & TimerIRq, TimerIRq);
});

test('TStopNow freezes the counter; TStartNow reloads it', () => {
  const r = timerRig(0x00, 0xa9, 100);
  r.write(Reg.ControlReg, 0x40);
  us(r, 500);
  r.write(Reg.ControlReg, 0x80);
  assert.is(counter(r), 80);
  assert.is(r.read(Reg.Status1Reg) & TRunning, 0);
  us(r, 10_000);
  assert.is(counter(r), 80);
  assert.is(r.read(Reg.ComIrqReg) & TimerIRq, 0);
  r.write(Reg.ControlReg, 0x40);
  assert.is(counter(r), 100);
});

test('TReload takes effect at the next start', () => {
  const r = timerRig(0x00, 0xa9, 100);
  r.write(Reg.ControlReg, 0x40);
  r.write(Reg.TReloadRegL, 10);
  us(r, 25 * 11);
  assert.is(r.read(Reg.ComIrqReg) & TimerIRq, 0);
  assert.is(counter(r), 89);
});

test('TPrescalEven (v2.0) divides by 2·TPrescaler + 2', () => {
  const r = timerRig(0x00, 0xa9, 9);
  r.write(Reg.DemodReg, 0x5d);
  r.write(Reg.ControlReg, 0x40);
  const periodUs = (340 * 10 * 1e6) / 13.56e6; // 250.7 µs instead of 250
  us(r, 250.5);
  assert.is(r.read(Reg.ComIrqReg) & TimerIRq, 0);
  us(r, periodUs - 250.5);
  assert.is(r.read(Reg.ComIrqReg) & TimerIRq, TimerIRq);
});

test('TGated ≠ 00b: the gate (MFIN/AUX1) never opens, the timer holds', () => {
  const r = timerRig(0x20, 0xa9, 10);
  r.write(Reg.ControlReg, 0x40);
  us(r, 10_000);
  assert.is(r.read(Reg.ComIrqReg) & TimerIRq, 0);
  assert.is(counter(r), 10);
  assert.is(r.read(Reg.Status1Reg) & TRunning, TRunning);
});

test('virtual time passing in clock.sleep() counts too', async () => {
  const r = timerRig(0x00, 0xa9, 39); // 1 ms
  r.write(Reg.ControlReg, 0x40);
  await r.clock.run(2);
  assert.is(r.read(Reg.ComIrqReg) & TimerIRq, TimerIRq);
});

test.run();
