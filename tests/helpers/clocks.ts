import type { Clock } from '../../hal/clock.js';

/** The system clock, but a pending sleep (a sync worker's backoff or Retry-After) does not keep the test process alive. */
export const unrefClock: Clock = {
  now: () => performance.now(),
  wallTime: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()),
};
