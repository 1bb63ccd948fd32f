// What a sweep asserts, without a test framework: each check throws a SweepFailure naming what did not hold, so a
// sweep fails as loudly from the command line as from a test.
import { isDeepStrictEqual, inspect } from 'node:util';
import { SealscanError } from '../../hal/errors.js';

export class SweepFailure extends SealscanError {
  constructor(message: string) {
    super('SWEEP_FAILED', message);
    this.name = 'SweepFailure';
  }
}

const show = (v: unknown) => inspect(v, { depth: 6, breakLength: Infinity });

export function ok(value: unknown, message: string): asserts value {
  if (!value) throw new SweepFailure(message);
}

export function is<T>(actual: T, expected: T, message: string): void {
  if (!Object.is(actual, expected)) throw new SweepFailure(`${message}: got ${show(actual)}, expected ${show(expected)}`);
}

export function equal<T>(actual: T, expected: T, message: string): void {
  if (!isDeepStrictEqual(actual, expected)) throw new SweepFailure(`${message}: got ${show(actual)}, expected ${show(expected)}`);
}

export function unreachable(message: string): never {
  throw new SweepFailure(message);
}
