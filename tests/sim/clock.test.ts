import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VirtualClock } from '../../sim/clock.js';

test('sleepers wake in deadline order without real waiting', async () => {
  const clock = new VirtualClock();
  const order: string[] = [];
  const started = Date.now();
  await Promise.all([
    clock.sleep(5000).then(() => order.push(`b@${clock.now()}`)),
    clock.sleep(1000).then(() => order.push(`a@${clock.now()}`)),
    (async () => {
      await clock.sleep(2000);
      order.push(`c1@${clock.now()}`);
      await clock.sleep(2500);
      order.push(`c2@${clock.now()}`);
    })(),
  ]);
  assert.equal(order, ['a@1000', 'c1@2000', 'c2@4500', 'b@5000']);
  assert.ok(Date.now() - started < 1000, 'virtual sleeps must not take real time');
});

test('advance() moves time synchronously and wakes due sleepers', async () => {
  const clock = new VirtualClock({ auto: false });
  let woke = false;
  const p = clock.sleep(1).then(() => (woke = true));
  clock.advance(0.5);
  await Promise.resolve();
  assert.not.ok(woke);
  clock.advance(0.5);
  await p;
  assert.ok(woke);
  assert.is(clock.now(), 1);
  assert.throws(() => clock.advance(-1), /non-negative/);
});

test('manual run() interleaves tasks by deadline', async () => {
  const clock = new VirtualClock({ auto: false });
  const seen: number[] = [];
  const loop = (async () => {
    for (let i = 0; i < 3; i++) {
      await clock.sleep(10);
      seen.push(clock.now());
    }
  })();
  await clock.run(25);
  assert.equal(seen, [10, 20]);
  await clock.run(10);
  await loop;
  assert.equal(seen, [10, 20, 30]);
});

test('wall time follows monotonic time and can be set', () => {
  const clock = new VirtualClock({ epochMs: 1_000_000 });
  clock.advance(250);
  assert.is(clock.wallTime(), 1_000_250);
  clock.setWallTime(5_000_000);
  clock.advance(1);
  assert.is(clock.wallTime(), 5_000_001);
  assert.is(clock.now(), 251);
});

test.run();
