// A test file that needs something a developer's machine may lack (Debian's Chromium for the console's browser
// test) skips itself out loud: it prints "SKIP: <reason>", which scripts/run-tests.mjs counts and repeats in its
// closing lines. In CI (env CI set, as most CI services do and .ci/run's callers may) nothing may be skipped: the
// file fails with the same reason instead.
import { test } from 'uvu';

/** True when CI is set to anything but "" / "0" / "false". */
export function inCi(): boolean {
  const v = (process.env.CI ?? '').trim().toLowerCase();
  return v !== '' && v !== '0' && v !== 'false';
}

/**
 * Whether the file should register its tests: true when `present`. Otherwise prints the skip line (or, in CI,
 * registers one failing test named after `what` carrying `reason`) and returns false; the file still calls
 * `test.run()`.
 */
export function needs(present: boolean, what: string, reason: string): boolean {
  if (present) return true;
  if (inCi()) {
    test(`${what} (CI=${process.env.CI}: a missing requirement fails instead of skipping)`, () => {
      throw new Error(reason);
    });
  } else {
    console.log(`SKIP: ${reason}`);
  }
  return false;
}
