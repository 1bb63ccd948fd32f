import type { Clock } from '../clock.js';
import { HalError } from '../errors.js';

/**
 * Polls `done` once per ms of `clock` until it holds; throws HalError CHIP_TIMEOUT naming `what` after `ms`. For the
 * chip's oscillator waits (reset, self-test, wake-up), which are outside the tap path and may yield.
 */
export async function waitUntil(clock: Clock, ms: number, what: string, done: () => boolean): Promise<void> {
  const start = clock.now();
  while (!done()) {
    if (clock.now() - start > ms) throw new HalError('CHIP_TIMEOUT', what + ' did not finish within ' + ms + ' ms');
    await clock.sleep(1);
  }
}
