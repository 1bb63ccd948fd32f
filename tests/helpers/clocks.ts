import type { Clock } from '../../hal/clock.js';

/**
 * The system clock, but a long sleep (a sync worker's backoff or Retry-After, a second or more) does not keep the test
 * process alive. Short sleeps (a reset pulse, a poll interval) do, so that a test awaiting one is not cut short.
 */
export const unrefClock: Clock = {
  now: () => performance.now(),
  wallTime: () => Date.now(),
  sleep: (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      if (ms >= 1000) t.unref();
    }),
  after: (ms: number, fn: () => void) => {
    const t = setTimeout(fn, ms);
    if (ms >= 1000) t.unref();
    return () => clearTimeout(t);
  },
};
