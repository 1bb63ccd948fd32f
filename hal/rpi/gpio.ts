// The Pi's GPIO through onoff (sysfs), with pins named by their BCM numbers and mapped to the kernel's numbering
// (gpio-map.ts). Everything opened here is released by `close`, and a pin that cannot be opened releases the pins
// opened before it, so that a failed start leaves no pin exported.
import { createRequire } from 'node:module';
import { HalError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { StepButton, Trigger } from '../board.js';
import { findHeaderChip, sysfsNumber, type HeaderChip } from './gpio-map.js';

/** The part of the `onoff` package used here (tests pass a fake). */
export interface OnoffModule {
  Gpio: new (pin: number, direction: 'in' | 'out' | 'high' | 'low', edge?: 'none' | 'both', options?: { activeLow?: boolean }) => OnoffGpio;
}

export interface OnoffGpio {
  readSync(): 0 | 1;
  writeSync(value: 0 | 1): void;
  watch(callback: (err: Error | null | undefined, value: 0 | 1) => void): void;
  unwatchAll(): void;
  unexport(): void;
}

export interface PiGpioOptions {
  /** Where the kernel's GPIO chips are listed. Default /sys/class/gpio. */
  sysfs?: string;
  /** The `onoff` module. Default: the installed package. */
  onoff?: OnoffModule;
}

/** A trigger button: BCM pin, pressed = low by default (a button to GND with a pull-up), debounced. */
export interface TriggerPin {
  pin: number;
  /** Pressed reads low (button to GND, pull-up). Default true. */
  activeLow?: boolean;
  /** A change counts once the line has been steady this long. Default 20 ms. */
  debounceMs?: number;
}

export const DEFAULT_DEBOUNCE_MS = 20;

function loadOnoff(): OnoffModule {
  try {
    return createRequire(import.meta.url)('onoff') as OnoffModule;
  } catch (e) {
    throw new HalError('GPIO', `the onoff package is not installed or did not build (${(e as Error).message}); on the Pi run npm ci in the install folder`);
  }
}

function openError(e: unknown, field: string, bcm: number, n: number, chip: HeaderChip): HalError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'EBUSY'
      ? 'is already exported or held by another driver (another program, or a device-tree overlay on this pin)'
      : code === 'EACCES' || code === 'EPERM'
        ? 'cannot be opened by this user: join the gpio group (sudo usermod -aG gpio $USER, then log in again)'
        : code === 'EINVAL'
          ? 'is refused by the kernel (EINVAL): the pin number does not exist on this chip'
          : `cannot be opened (${(e as Error).message})`;
  return new HalError('GPIO', `${field}: BCM ${bcm} (sysfs GPIO ${n} on ${chip.name}) ${why}`);
}

/** The header's GPIO pins for one board: opened by BCM number, all released by `close`. */
export class PiGpio {
  readonly chip: HeaderChip;
  private readonly onoff: OnoffModule;
  private readonly opened: OnoffGpio[] = [];

  constructor(options: PiGpioOptions = {}) {
    this.chip = findHeaderChip(options.sysfs);
    this.onoff = options.onoff ?? loadOnoff();
  }

  private open(bcm: number, field: string, make: (n: number) => OnoffGpio): OnoffGpio {
    const n = sysfsNumber(this.chip, bcm, field);
    let g: OnoffGpio;
    try {
      g = make(n);
    } catch (e) {
      this.close();
      throw openError(e, field, bcm, n, this.chip);
    }
    this.opened.push(g);
    return g;
  }

  /** An output pin, driven to `initial` as it is exported (no glitch to the other level). */
  output(bcm: number, field: string, initial: 0 | 1 = 0): OnoffGpio {
    return this.open(bcm, field, (n) => new this.onoff.Gpio(n, initial ? 'high' : 'low'));
  }

  /** An input pin that reports both edges. */
  input(bcm: number, field: string, activeLow: boolean): OnoffGpio {
    return this.open(bcm, field, (n) => new this.onoff.Gpio(n, 'in', 'both', { activeLow }));
  }

  /** Unexports every pin opened here (each pin once, in reverse order). */
  close(): void {
    for (const g of this.opened.splice(0).reverse()) {
      try {
        g.unwatchAll();
        g.unexport();
      } catch {
        // Releasing is best effort: the process is ending or the pin is already gone.
      }
    }
  }
}

/**
 * Pulses the MFRC522's NRSTPD line (an output opened with `gpio.output(pin, 'gpio.reset')`): low for 1 ms (the data
 * sheet needs 100 ns), then high; the rising edge is a hard reset, after which the oscillator needs time to start
 * (50 ms, as the Arduino library waits). The line stays high.
 */
export async function pulseReset(line: OnoffGpio, clock: Clock): Promise<void> {
  line.writeSync(0);
  await clock.sleep(1);
  line.writeSync(1);
  await clock.sleep(50);
}

/**
 * A debounced trigger on an input pin. Edges (from the kernel) and reads (each `held()`, once before each poll) both
 * note when the line last changed; the state follows the line only once it has been steady for `debounceMs`, so a
 * bouncing contact gives one press, not several.
 */
export function triggerOn(gpio: PiGpio, t: TriggerPin, clock: Clock): Trigger {
  return { held: debouncedInput(gpio, t, 'gpio.trigger', clock) };
}

/**
 * The step button on an input pin: `pressed()` (read once before each poll) is true once for each debounced press,
 * that is each change of the debounced state to pressed, however long the button is then held.
 */
export function stepButtonOn(gpio: PiGpio, t: TriggerPin, clock: Clock): StepButton {
  const held = debouncedInput(gpio, t, 'gpio.step', clock);
  let was = held();
  return {
    pressed() {
      const now = held();
      const press = now && !was;
      was = now;
      return press;
    },
  };
}

/** The debounced state of a button on an input pin (see {@link triggerOn}): true while pressed. */
function debouncedInput(gpio: PiGpio, t: TriggerPin, field: string, clock: Clock): () => boolean {
  const debounce = t.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const line = gpio.input(t.pin, field, t.activeLow ?? true);
  let raw = line.readSync();
  let changedAt = clock.now();
  let steady = raw;
  const note = (v: 0 | 1) => {
    if (v !== raw) {
      raw = v;
      changedAt = clock.now();
    }
  };
  line.watch((err, v) => {
    if (!err) note(v);
  });
  return () => {
    note(line.readSync());
    if (clock.now() - changedAt >= debounce) steady = raw;
    return steady === 1;
  };
}
