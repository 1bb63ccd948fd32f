/**
 * Time as the firmware sees it. Injected everywhere something waits, so that the simulator can run on virtual time
 * and tests never sleep for real.
 *
 * - `now()` is monotonic milliseconds since an arbitrary origin, fractional (microsecond resolution where the
 *   platform has it). It never goes backwards.
 * - `sleep(ms)` resolves no earlier than `ms` milliseconds of this clock from the call. `sleep(0)` yields to other
 *   tasks once.
 * - `wallTime()` is milliseconds since the Unix epoch (for records). It may jump when the device's time is set;
 *   never use it to measure durations.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  wallTime(): number;
}
