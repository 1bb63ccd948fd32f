/**
 * An Espruino board (ESP32 first) as a sealscan Board: the MFRC522 on hardware SPI with the unchanged driver, the
 * reset pin, an LED and a buzzer, a trigger with `setWatch`, the queue on Storage, SHA-256 from the firmware's
 * crypto library (or in JavaScript), random bytes from `E.hwRand`, and the uplink over `require("http")`. The
 * interpreter's globals come in as an EspruinoRuntime, so that this file is plain code that Node tests with fakes.
 */
import type { Board, StepButton, Trigger } from '../board.js';
import type { Clock } from '../clock.js';
import type { Crypto } from '../crypto.js';
import type { RecordSigner } from '../keys.js';
import type { Buzzer, BeepPattern, StatusLed } from '../feedback.js';
import type { SpiDevice } from '../spi.js';
import { openMfrc522 } from '../mfrc522/open.js';
import { jsSha256 } from '../sha256.js';
import { useLatin1 } from '../text.js';
import { EspruinoSegmentStorage, type StorageLayout } from './storage.js';
import { EspruinoHttpUplink } from './http-uplink.js';
import type { EspruinoPin, EspruinoRuntime, EspruinoSpi } from './runtime.js';

export interface EspruinoPins {
  /** The MFRC522's chip select (SDA) and reset (RST) pins. */
  cs: EspruinoPin;
  reset?: EspruinoPin;
  /** An RGB LED's legs (amber = red + green), driven high for on. */
  led?: { red: EspruinoPin; green: EspruinoPin; blue: EspruinoPin };
  /** A passive buzzer, driven by PWM at 2.7 kHz. */
  buzzer?: EspruinoPin;
  /** A button to GND (the pin's pull-up on); held = low. */
  trigger?: EspruinoPin;
  /** A button to GND that switches the scanner to its next step, once per press. */
  step?: EspruinoPin;
}

export interface EspruinoBoardOptions {
  runtime: EspruinoRuntime;
  /** SPI set up by the entry point (`SPI1.setup({sck, miso, mosi, baud: 4000000})`). */
  spi: EspruinoSpi;
  pins: EspruinoPins;
  storage: StorageLayout;
  /** The ingest's base URL, e.g. http://10.0.0.5:8080 */
  ingest: string;
  /** The device's signer (HMAC-SHA256 with its key from Storage). */
  signer: RecordSigner;
  describe?: { target: string };
}

/** The system clock: monotonic milliseconds from `getTime()`, corrected when the time is set (`setWallTime`). */
export class EspruinoClock implements Clock {
  private offset = 0;
  private last = 0;

  constructor(private readonly rt: EspruinoRuntime) {}

  now(): number {
    const t = this.rt.getTime() * 1000 + this.offset;
    // getTime follows the RTC, which SNTP may move backwards: never go back.
    if (t < this.last) {
      this.offset += this.last - t;
      return this.last;
    }
    this.last = t;
    return t;
  }

  wallTime(): number {
    return Math.floor(this.rt.getTime() * 1000);
  }

  sleep(ms: number): Promise<void> {
    const self = this;
    return new Promise<void>(function (resolve) {
      self.after(ms, resolve);
    });
  }

  after(ms: number, fn: () => void): () => void {
    const rt = this.rt;
    const id = rt.setTimeout(fn, ms > 0 ? ms : 0);
    return function () {
      rt.clearTimeout(id);
    };
  }
}

/** Text to bytes and back by the interpreter's own E.toUint8Array and E.toString (hal/text.ts, useLatin1). */
export function useInterpreterText(rt: EspruinoRuntime): void {
  useLatin1({ toBytes: rt.toUint8Array, toText: rt.toString });
}

/**
 * SHA-256 (native when the firmware has crypto) and random bytes from the hardware's generator. The native SHA256
 * needs its 32-byte answer in one contiguous block of variables; when the pool is too fragmented for one, it prints
 * "Not enough memory for result" and returns undefined instead of throwing. That hash is then made in JavaScript,
 * which needs no contiguous block, rather than stopping the device in the middle of a tap.
 */
export function espruinoCrypto(rt: EspruinoRuntime): Crypto {
  const c = rt.crypto;
  return {
    sha256: c
      ? function (data: Uint8Array) {
          const h = c.SHA256(data);
          return h ? new Uint8Array(h) : jsSha256.sha256(data);
        }
      : jsSha256.sha256,
    randomBytes: function (n: number) {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i += 4) {
        const r = rt.hwRand();
        for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (r >>> (8 * j)) & 0xff;
      }
      return out;
    },
  };
}

/** The MFRC522's SPI: one `send` per exchange, chip select low for the whole buffer. */
export function espruinoSpiDevice(spi: EspruinoSpi, cs: EspruinoPin): SpiDevice {
  return {
    transfer: function (tx: Uint8Array) {
      return spi.send(tx, cs);
    },
  };
}

/** Which legs of the RGB LED are on for `color` (red, green, blue): bits 4, 2, 1. A switch, not a table held for good. */
function rgb(color: string): number {
  switch (color) {
    case 'green':
      return 2;
    case 'red':
      return 4;
    case 'amber':
      return 6;
    case 'blue':
      return 1;
    default:
      return 0;
  }
}

export function espruinoLed(rt: EspruinoRuntime, led: EspruinoPins['led']): StatusLed {
  return {
    set: function (color) {
      if (!led) return;
      const v = rgb(color);
      rt.digitalWrite(led.red, (v >> 2) & 1);
      rt.digitalWrite(led.green, (v >> 1) & 1);
      rt.digitalWrite(led.blue, v & 1);
    },
  };
}

/** A pattern alternates on and off durations (ms), starting with on; a new pattern cuts the old one short. */
export function espruinoBuzzer(rt: EspruinoRuntime, pin: EspruinoPin | undefined): Buzzer {
  let timer = -1;
  return {
    play: function (pattern: BeepPattern) {
      if (pin === undefined) return;
      if (timer >= 0) rt.clearTimeout(timer);
      timer = -1;
      let i = 0;
      const step = function (): void {
        if (i % 2 === 0 && i < pattern.length) rt.analogWrite(pin, 0.5, { freq: 2700 });
        else rt.digitalWrite(pin, 0);
        if (i >= pattern.length) {
          timer = -1;
          return;
        }
        timer = rt.setTimeout(step, pattern[i++]);
      };
      step();
    },
  };
}

/** The trigger: `setWatch` debounces in the interpreter (20 ms); held while the pin reads low. */
export function espruinoTrigger(rt: EspruinoRuntime, pin: EspruinoPin): Trigger {
  let held = rt.digitalRead(pin) === 0;
  rt.setWatch(
    function (e) {
      held = !e.state;
    },
    pin,
    { repeat: true, edge: 'both', debounce: 20 },
  );
  return {
    held: function () {
      return held;
    },
  };
}

/** The step button: each falling edge (a press, debounced 20 ms by `setWatch`) counts once. */
export function espruinoStepButton(rt: EspruinoRuntime, pin: EspruinoPin): StepButton {
  let presses = 0;
  rt.setWatch(
    function (e) {
      if (!e.state) presses++;
    },
    pin,
    { repeat: true, edge: 'both', debounce: 20 },
  );
  return {
    pressed: function () {
      if (!presses) return false;
      presses--;
      return true;
    },
  };
}

/** Pulses the reset line (low 1 ms, then 50 ms for the oscillator), opens the chip, and wires the rest. */
export function createEspruinoBoard(o: EspruinoBoardOptions): Promise<Board> {
  const rt = o.runtime;
  useInterpreterText(rt);
  const clock = new EspruinoClock(rt);
  const pins = o.pins;
  const reset = pins.reset === undefined ? Promise.resolve() : pulse(rt, clock, pins.reset);
  return reset.then(function () {
    return openMfrc522(espruinoSpiDevice(o.spi, pins.cs), clock).then(function (opened) {
      const board: Board = {
        reader: opened.reader,
        clock: clock,
        crypto: espruinoCrypto(rt),
        signer: o.signer,
        storage: new EspruinoSegmentStorage(rt.storage, o.storage, rt.toUint8Array),
        uplink: new EspruinoHttpUplink(rt, o.ingest),
        led: espruinoLed(rt, pins.led),
        buzzer: espruinoBuzzer(rt, pins.buzzer),
        trigger: pins.trigger === undefined ? undefined : espruinoTrigger(rt, pins.trigger),
        stepButton: pins.step === undefined ? undefined : espruinoStepButton(rt, pins.step),
        describe: function () {
          return {
            target: o.describe ? o.describe.target : 'Espruino',
            chip: opened.chip,
            parts: { storage: o.storage.segmentCount + ' Storage files of ' + o.storage.segmentSize + ' bytes', uplink: o.ingest, feedback: pins.led ? 'LED and buzzer' : 'none', trigger: pins.trigger === undefined ? 'none' : 'setWatch, 20 ms debounce' },
          };
        },
      };
      return board;
    });
  });
}

function pulse(rt: EspruinoRuntime, clock: Clock, pin: EspruinoPin): Promise<void> {
  rt.digitalWrite(pin, 0);
  return clock.sleep(1).then(function () {
    rt.digitalWrite(pin, 1);
    return clock.sleep(50);
  });
}
