// The console's clock: follows real time, and the chip model (or a skip ahead) can spend time in it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PacedClock } from '../../../sim/paced-clock.js';

test('now() is real time elapsed plus everything advanced; wall time follows', () => {
  let real = 1000;
  const c = new PacedClock({ realNow: () => real, epochMs: Date.UTC(2026, 0, 1) });
  assert.is(c.now(), 0);
  real += 250;
  assert.is(c.now(), 250);
  c.advance(1.5);
  assert.is(c.now(), 251.5);
  assert.is(c.skipped, 1.5);
  assert.is(c.wallTime(), Date.UTC(2026, 0, 1) + 251);
  assert.throws(() => c.advance(-1), /non-negative/);
});

test('sleep resolves after real time passes', async () => {
  const c = new PacedClock();
  const t0 = performance.now();
  await c.sleep(30);
  assert.ok(performance.now() - t0 >= 29);
  assert.ok(c.now() >= 30);
  c.dispose();
});

test('an advance wakes the sleepers it made due at once, and only those', async () => {
  const c = new PacedClock();
  const woke: string[] = [];
  void c.sleep(60000).then(() => woke.push('minute'));
  void c.sleep(3600000).then(() => woke.push('hour'));
  c.advance(61000);
  await new Promise((r) => setImmediate(r));
  assert.equal(woke, ['minute']);
  c.dispose();
});

test.run();
