// Inspector feedback on a Pi: an RGB status LED and a buzzer on GPIO, and text on the console (a small display can
// replace it). Where no pins are configured, the LED and buzzer are reported on the console; where pins are
// configured and cannot be opened, the board refuses to start (gpio.ts names the pin and the cause).
import { consoleFeedback } from '../node/console-feedback.js';
import type { PiGpio, TriggerPin } from './gpio.js';
import type { BeepPattern, Buzzer, LedColor, StatusLed, TextDisplay } from '../feedback.js';

/** The GPIO a Pi scanner uses, as BCM pin numbers (the config file's "gpio" block). */
export interface GpioPins {
  /** The MFRC522's RST (NRSTPD) line: pulsed at start for a hard reset, then held high. */
  reset?: number;
  /** The LED's red, green and blue legs (amber = red + green). */
  led?: { red: number; green: number; blue: number };
  buzzer?: number;
  /** A button that arms reading in trigger mode. */
  trigger?: TriggerPin;
  /** A button that switches the scanner to its next step (ScannerConfig.steps), once per press. */
  step?: TriggerPin;
}

/** True when `pins` names any pin at all (and the board needs GPIO). */
export const usesGpio = (pins: GpioPins): boolean => pins.reset !== undefined || pins.led !== undefined || pins.buzzer !== undefined || pins.trigger !== undefined || pins.step !== undefined;

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
  /** True when the LED or the buzzer drives GPIO pins. */
  gpio: boolean;
  /** Stops a beep pattern in progress (the pins themselves belong to the PiGpio). */
  close(): void;
}

/** Feedback parts for a Pi: LED and buzzer on `gpio` where pins are given, on the console (`log`) otherwise. */
export function createPiFeedback(pins: GpioPins, gpio: PiGpio | null, log: (line: string) => void = console.log): PiFeedback {
  const lines = consoleFeedback(log);
  let led: StatusLed = lines.led;
  let driven = false;
  if (gpio && pins.led) {
    const legs = [gpio.output(pins.led.red, 'gpio.led.red'), gpio.output(pins.led.green, 'gpio.led.green'), gpio.output(pins.led.blue, 'gpio.led.blue')];
    led = { set: (c) => RGB[c].forEach((v, i) => legs[i].writeSync(v as 0 | 1)) };
    driven = true;
  }
  let buzzer: Buzzer = lines.buzzer;
  let timer: NodeJS.Timeout | undefined;
  if (gpio && pins.buzzer !== undefined) {
    const pin = gpio.output(pins.buzzer, 'gpio.buzzer');
    driven = true;
    buzzer = {
      // A pattern alternates on and off durations (ms), starting with on; a new pattern cuts the old one short.
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
  return {
    led,
    buzzer,
    display: lines.display,
    gpio: driven,
    close: () => {
      if (timer) clearTimeout(timer);
    },
  };
}
