import { VirtualClock } from '../../../sim/clock.js';
import { SimMfrc522, type SimMfrc522Options } from '../../../sim/mfrc522/index.js';
import { HalError } from '../../../hal/errors.js';
import { FakeField } from './fake-field.js';
import { hexLiteral } from '../../../hal/hex.js';

export interface Rig {
  clock: VirtualClock;
  field: FakeField;
  chip: SimMfrc522;
  read(reg: number): number;
  write(reg: number, ...values: number[]): void;
}

/** A chip on a manual virtual clock and an empty fake field. Register access through real SPI framing. */
export function rig(options: Partial<SimMfrc522Options> = {}): Rig {
  const clock = new VirtualClock({ auto: false });
  const field = new FakeField();
  const chip = new SimMfrc522({ clock, field, ...options });
  return {
    clock,
    field,
    chip,
    read: (reg) => chip.transfer(Uint8Array.of(0x80 | (reg << 1), 0x00))[1],
    write: (reg, ...values) => {
      chip.transfer(Uint8Array.of(reg << 1, ...values));
    },
  };
}

/** Runs `fn` and returns the HalError it throws (fails the test when it throws something else or nothing). */
export function halError(fn: () => unknown): HalError {
  try {
    fn();
  } catch (e) {
    if (e instanceof HalError) return e;
    throw e;
  }
  throw new Error('expected a HalError, nothing was thrown');
}

export const hexBytes = (s: string): number[] => Array.from(hexLiteral(s));
