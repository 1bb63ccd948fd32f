/**
 * Time as the firmware sees it. Injected everywhere something waits, so that the simulator can run on virtual time
 * and tests never sleep for real.
 *
 * - `now()` is monotonic milliseconds since an arbitrary origin, fractional (microsecond resolution where the
 *   platform has it). It never goes backwards.
 * - `sleep(ms)` resolves no earlier than `ms` milliseconds of this clock from the call. `sleep(0)` yields to other
 *   tasks once.
 * - `after(ms, fn)` calls `fn` once, no earlier than `ms` milliseconds of this clock from the call, unless the
 *   function it returns is called first: that drops the timer and everything its callback holds. For waits that
 *   usually end early (the sync worker's idle poll, a request's timeout): a sleep cannot be cancelled, and on
 *   Espruino every pending timer keeps its closure's variables until it fires.
 * - `wallTime()` is milliseconds since the Unix epoch (for records). It may jump when the device's time is set;
 *   never use it to measure durations.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  after(ms: number, fn: () => void): () => void;
  wallTime(): number;
}
