// Inspector feedback on a Pi: an RGB status LED and a buzzer on GPIO (onoff), and text on the console (a small
// display can replace it). Off the Pi, or without GPIO access, the LED and buzzer are reported on the console.
import { createRequire } from 'node:module';
import { consoleFeedback } from '../node/console-feedback.js';
import { findHeaderChip, sysfsNumber } from './gpio-map.js';
import { HalError } from '../errors.js';
import type { BeepPattern, Buzzer, LedColor, StatusLed, TextDisplay } from '../feedback.js';

interface OnoffGpio {
  writeSync(v: 0 | 1): void;
  unexport(): void;
}
interface OnoffModule {
  Gpio: { new (pin: number, direction: 'out'): OnoffGpio; accessible: boolean };
}

export interface GpioPins {
  /** BCM pin numbers of the LED's red, green and blue legs (amber = red + green). */
  led?: { red: number; green: number; blue: number };
  buzzer?: number;
}

function loadOnoff(): OnoffModule | null {
  try {
    const m = createRequire(import.meta.url)('onoff') as OnoffModule;
    return m.Gpio.accessible ? m : null;
  } catch {
    return null;
  }
}

const RGB: { [c in LedColor]: [number, number, number] } = {
  off: [0, 0, 0],
  green: [0, 1, 0],
  red: [1, 0, 0],
  amber: [1, 1, 0],
  blue: [0, 0, 1],
};

export interface PiFeedback {
  led: StatusLed;
  buzzer: Buzzer;
  display: TextDisplay;
  /** True when the LED and buzzer drive real GPIO pins. */
  gpio: boolean;
  close(): void;
}

/** Feedback parts for a Pi; `log` receives the console lines (default console.log). */
export function createPiFeedback(pins: GpioPins, log: (line: string) => void = console.log, sysfs?: string): PiFeedback {
  const onoff = pins.led || pins.buzzer !== undefined ? loadOnoff() : null;
  const opened: OnoffGpio[] = [];
  // Pins are BCM numbers; onoff wants the kernel's sysfs numbers (base 512 or 571 since kernel 6.6).
  const chip = onoff ? findHeaderChip(sysfs) : null;
  const out = (pin: number, field: string): OnoffGpio => {
    const n = sysfsNumber(chip!, pin, field);
    let g: OnoffGpio;
    try {
      g = new onoff!.Gpio(n, 'out');
    } catch (e) {
      opened.forEach((o) => o.unexport());
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'EBUSY' ? 'is already exported or held by another driver' : code === 'EACCES' ? 'cannot be opened by this user: join the gpio group' : `cannot be opened (${(e as Error).message})`;
      throw new HalError('GPIO', `${field}: BCM ${pin} (sysfs GPIO ${n} on ${chip!.name}) ${why}`);
    }
    opened.push(g);
    return g;
  };
  const lines = consoleFeedback(log);
  let led: StatusLed = lines.led;
  if (onoff && pins.led) {
    const legs = [out(pins.led.red, 'gpio.led.red'), out(pins.led.green, 'gpio.led.green'), out(pins.led.blue, 'gpio.led.blue')];
    led = { set: (c) => RGB[c].forEach((v, i) => legs[i].writeSync(v as 0 | 1)) };
  }
  let buzzer: Buzzer = lines.buzzer;
  if (onoff && pins.buzzer !== undefined) {
    const pin = out(pins.buzzer, 'gpio.buzzer');
    let timer: NodeJS.Timeout | undefined;
    buzzer = {
      play(pattern: BeepPattern) {
        if (timer) clearTimeout(timer);
        let i = 0;
        const step = () => {
          pin.writeSync(i < pattern.length && i % 2 === 0 ? 1 : 0);
          if (i >= pattern.length) return;
          timer = setTimeout(step, pattern[i++]);
        };
        step();
      },
    };
  }
  const display: TextDisplay = lines.display;
  return {
    led,
    buzzer,
    display,
    gpio: opened.length > 0,
    close: () => opened.forEach((g) => g.unexport()),
  };
}
