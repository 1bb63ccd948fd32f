// Waiting for the sync worker, all through the injected Clock: a wait that a nudge can end early, and a request
// that cannot outlive its timeout. Either drops its timer when it ends early (Clock.after): a timer left to run out
// would hold its closure (the request's answer among it) until its deadline, a minute for the idle poll, and on
// Espruino a tap every few seconds piled those up by the hundreds of variables.
import type { Clock } from '../../hal/clock.js';
import type { UplinkResult } from '../../hal/uplink.js';

/** `p`, or a timeout result after `ms` of the clock, whichever comes first; the late one is dropped. */
export function withTimeout(clock: Clock, p: Promise<UplinkResult>, ms: number): Promise<UplinkResult> {
  return new Promise<UplinkResult>((resolve) => {
    let done = false;
    const settle = (r: UplinkResult) => {
      if (!done) {
        done = true;
        cancel();
        resolve(r);
      }
    };
    const cancel = clock.after(ms, () => settle({ ok: false, reason: 'timeout', message: 'no answer within ' + ms + ' ms' }));
    p.then(settle, (e: unknown) => settle({ ok: false, reason: 'reset', message: 'uplink failed: ' + String(e) }));
  });
}

/** One waiter at a time; `wake()` ends the current wait, or the next one at once if nobody waits now. */
export class Waiter {
  private waker: (() => void) | undefined;
  private nudged = false;

  constructor(private readonly clock: Clock) {}

  /** True while a wait is in progress (not between waits, and not after it ended). */
  get waiting(): boolean {
    return this.waker !== undefined;
  }

  wake(): void {
    const w = this.waker;
    this.waker = undefined;
    if (w) w();
    else this.nudged = true;
  }

  /** Resolves after `ms` of the clock or at the first wake, whichever comes first. */
  wait(ms: number): Promise<void> {
    if (this.nudged) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      let done = false;
      const finish = () => {
        if (!done) {
          done = true;
          if (this.waker === finish) this.waker = undefined;
          cancel();
          resolve();
        }
      };
      this.waker = finish;
      const cancel = this.clock.after(ms, finish);
    });
  }
}
