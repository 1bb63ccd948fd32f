// Clock.after on every clock: the callback runs once, no earlier than asked; cancelling drops the timer, so a wait
// that ended early holds nothing until its deadline. Then the sync worker: a wait woken early and a request answered
// before its timeout leave no timer behind (they once piled up one per tap, hundreds of variables each on Espruino).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Clock } from '../../hal/clock.js';
import { SystemClock } from '../../hal/node/clock.js';
import { EspruinoClock } from '../../hal/espruino/board.js';
import type { EspruinoRuntime } from '../../hal/espruino/runtime.js';
import { VirtualClock } from '../../sim/clock.js';
import { PacedClock } from '../../sim/paced-clock.js';
import { Waiter, withTimeout } from '../../firmware/sync/wait.js';
import type { UplinkResult } from '../../hal/uplink.js';

/** The timer part of an Espruino runtime, on Node's timers, counting the timers that are still pending. */
function espruinoTimers(): { rt: EspruinoRuntime; pending: () => number } {
  const live = new Map<number, NodeJS.Timeout>();
  let next = 1;
  const rt = {
    getTime: () => Date.now() / 1000,
    setTimeout: (cb: () => void, ms: number) => {
      const id = next++;
      live.set(id, setTimeout(() => {
        live.delete(id);
        cb();
      }, ms));
      return id;
    },
    clearTimeout: (id: number) => {
      clearTimeout(live.get(id));
      live.delete(id);
    },
  } as unknown as EspruinoRuntime;
  return { rt, pending: () => live.size };
}

const realMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

const clocks: Array<[string, () => Clock]> = [
  ['SystemClock', () => new SystemClock()],
  ['EspruinoClock', () => new EspruinoClock(espruinoTimers().rt)],
  ['PacedClock', () => new PacedClock()],
];

for (const [name, make] of clocks) {
  test(`${name}: after() calls once, no earlier than asked; a cancelled one never`, async () => {
    const clock = make();
    const fired: number[] = [];
    const t0 = clock.now();
    clock.after(30, () => fired.push(clock.now() - t0));
    const cancel = clock.after(20, () => fired.push(-1));
    cancel();
    cancel();
    await realMs(80);
    assert.is(fired.length, 1, JSON.stringify(fired));
    assert.ok(fired[0] >= 29, `fired after ${fired[0]} ms`);
  });
}

test('VirtualClock: after() runs on virtual time; cancelling removes the sleeper', async () => {
  const clock = new VirtualClock({ auto: false });
  const fired: string[] = [];
  clock.after(1000, () => fired.push('a@' + clock.now()));
  const cancel = clock.after(500, () => fired.push('b'));
  assert.is(clock.pending(), 2);
  cancel();
  assert.is(clock.pending(), 1);
  await clock.run(2000);
  assert.equal(fired, ['a@1000']);
  assert.is(clock.pending(), 0);
});

test('EspruinoClock: cancelling clears the interpreter timer', () => {
  const t = espruinoTimers();
  const clock = new EspruinoClock(t.rt);
  const cancel = clock.after(60000, () => undefined);
  assert.is(t.pending(), 1);
  cancel();
  assert.is(t.pending(), 0);
});

test('a Waiter woken early and a request answered early leave no timer on the clock', async () => {
  const clock = new VirtualClock({ auto: false });
  const waiter = new Waiter(clock);
  for (let i = 0; i < 5; i++) {
    const w = waiter.wait(60000);
    assert.is(clock.pending(), 1, 'the wait holds one timer');
    waiter.wake();
    await w;
    assert.is(clock.pending(), 0, `wait ${i}: the idle poll's timer is gone once woken`);
  }
  const answer: UplinkResult = { ok: true, response: { status: 200, headers: {}, body: new Uint8Array(0) } };
  const r = await withTimeout(clock, Promise.resolve(answer), 31000);
  assert.is(r, answer);
  assert.is(clock.pending(), 0, "the request's timeout is gone once answered");
  // And the timeout still wins over a request that never answers.
  const hung = withTimeout(clock, new Promise<UplinkResult>(() => undefined), 31000);
  await clock.run(31000);
  const late = await hung;
  assert.is(late.ok, false);
  assert.match(late.ok ? '' : late.message, /no answer within 31000 ms/);
  assert.is(clock.pending(), 0);
});

test.run();
