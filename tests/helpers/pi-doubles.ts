// Doubles at the Pi's package boundaries: a fake `spi-device` wired to the simulated MFRC522, a fake `onoff` that
// records every pin, and fake sysfs GPIO trees in a temp folder. The Pi board's own code runs unchanged in front.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpiDeviceModule } from '../../hal/rpi/spidev.js';
import type { OnoffGpio, OnoffModule } from '../../hal/rpi/gpio.js';
import type { SimMfrc522 } from '../../sim/mfrc522/chip.js';
import type { RfField } from '../../sim/rf/field.js';
import type { Picc } from '../../sim/rf/air.js';
import type { TapEvent } from '../../firmware/app/scanner.js';

/** A fake spi-device: each transferSync message goes to the simulated chip as one chip-select-framed exchange. */
export function fakeSpiDevice(chip: SimMfrc522, opened: Array<{ bus: number; cs: number; hz: number }> = [], fail?: string): SpiDeviceModule {
  return {
    openSync(bus, cs, o) {
      if (fail) throw Object.assign(new Error(`${fail}, open '/dev/spidev${bus}.${cs}'`), { code: fail });
      opened.push({ bus, cs, hz: o.maxSpeedHz });
      return {
        transferSync(messages) {
          for (const m of messages) chip.transfer(new Uint8Array(m.sendBuffer.subarray(0, m.byteLength))).forEach((b, i) => (m.receiveBuffer[i] = b));
          return this;
        },
        closeSync() {},
      };
    },
  };
}

/** One exported pin of the fake onoff, by its sysfs number. */
export interface FakePin {
  n: number;
  direction: string;
  edge?: string;
  activeLow?: boolean;
  /** Every level written, in order, with the time of the write (performance.now). */
  writes: Array<{ v: 0 | 1; at: number }>;
  /** The level an input reads (already active-low corrected, as onoff reports it). */
  value: 0 | 1;
  watchers: Array<(err: Error | null, v: 0 | 1) => void>;
  unexported: boolean;
}

/** A fake onoff: records each pin; `fail` makes `new Gpio(n)` throw with that errno code. */
export class FakeOnoff {
  readonly pins = new Map<number, FakePin>();
  /** Every event in order: "export 537 high", "write 537 0", "unexport 537". */
  readonly log: string[] = [];
  constructor(readonly fail: { [sysfs: number]: string } = {}) {}

  get module(): OnoffModule {
    const self = this;
    class Gpio implements OnoffGpio {
      private readonly pin: FakePin;
      constructor(n: number, direction: string, edge?: string, options?: { activeLow?: boolean }) {
        if (self.fail[n]) throw Object.assign(new Error(`${self.fail[n]}: /sys/class/gpio/export`), { code: self.fail[n] });
        const existing = self.pins.get(n);
        if (existing && !existing.unexported) throw Object.assign(new Error('EBUSY: already exported here'), { code: 'EBUSY' });
        this.pin = { n, direction, edge, activeLow: options?.activeLow, writes: [], value: direction === 'high' ? 1 : 0, watchers: [], unexported: false };
        if (direction === 'high' || direction === 'low') this.pin.writes.push({ v: direction === 'high' ? 1 : 0, at: performance.now() });
        self.pins.set(n, this.pin);
        self.log.push(`export ${n} ${direction}`);
      }
      readSync(): 0 | 1 {
        return this.pin.value;
      }
      writeSync(v: 0 | 1): void {
        if (this.pin.unexported) throw new Error(`write to unexported GPIO ${this.pin.n}`);
        this.pin.value = v;
        this.pin.writes.push({ v, at: performance.now() });
        self.log.push(`write ${this.pin.n} ${v}`);
      }
      watch(cb: (err: Error | null, v: 0 | 1) => void): void {
        this.pin.watchers.push(cb);
      }
      unwatchAll(): void {
        this.pin.watchers = [];
      }
      unexport(): void {
        this.pin.unexported = true;
        self.log.push(`unexport ${this.pin.n}`);
      }
    }
    return { Gpio };
  }

  /** Drives an input pin to `v` as the kernel would report an edge. */
  set(n: number, v: 0 | 1): void {
    const p = this.pins.get(n);
    if (!p) throw new Error(`GPIO ${n} is not exported`);
    p.value = v;
    for (const w of p.watchers) w(null, v);
  }

  /** Pins still exported. */
  exported(): number[] {
    return [...this.pins.values()].filter((p) => !p.unexported).map((p) => p.n);
  }
}

/** A sysfs gpio folder under `root` with the given chips: [base, label, ngpio]. */
export function sysfsTree(root: string, name: string, chips: Array<[number, string, number]>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [base, label, n] of chips) {
    const chip = join(dir, `gpiochip${base}`);
    mkdirSync(chip, { recursive: true });
    writeFileSync(join(chip, 'base'), `${base}\n`);
    writeFileSync(join(chip, 'label'), `${label}\n`);
    writeFileSync(join(chip, 'ngpio'), `${n}\n`);
  }
  return dir;
}

/** The three trees the issue names: a Pi 4 on kernel 6.6+ (512), a Pi 5 (RP1 at 571), a Pi 3 before 6.6 (0). */
export const PI_TREES: { [name: string]: Array<[number, string, number]> } = {
  pi4: [[512, 'pinctrl-bcm2711', 58], [570, 'raspberrypi-exp-gpio', 8]],
  pi5: [[512, 'gpio-brcmstb@107d508500', 32], [544, 'gpio-brcmstb@107d508520', 4], [571, 'pinctrl-rp1', 54]],
  'pi3-old': [[0, 'pinctrl-bcm2835', 54], [504, 'raspberrypi-exp-gpio', 8]],
};

/** A tap on a board's reader: `tag` placed on `field`, one poll of `scanner`, the tag lifted; the tap's event. */
export function tapper(field: RfField, scanner: { pollOnce(): TapEvent | null }): (tag: Picc) => TapEvent | null {
  return (tag) => {
    field.place(tag);
    const e = scanner.pollOnce();
    field.remove(tag);
    return e;
  };
}
