/**
 * The Espruino interpreter's globals as the board's EspruinoRuntime. Only the device images import this file: it
 * names what exists only inside the interpreter.
 */
import type { EspruinoRuntime } from '../../../hal/espruino/runtime.js';

declare const require: (module: string) => any;
declare const E: { hwRand(): number; toString(b: Uint8Array): string; toUint8Array(s: string): Uint8Array };
declare const process: { memory(): { usage: number } };
declare function getTime(): number;
declare function digitalWrite(pin: unknown, v: number): void;
declare function digitalRead(pin: unknown): number;
declare function analogWrite(pin: unknown, duty: number, options?: object): void;
declare function setWatch(cb: (e: { state: boolean }) => void, pin: unknown, options: object): number;

/** `require(name)`, or undefined where the firmware lacks the module (crypto on some builds, Wifi off the ESP32). */
export function optionalModule(name: string): any {
  try {
    return require(name);
  } catch (e) {
    return undefined;
  }
}

export function espruinoRuntime(): EspruinoRuntime {
  return {
    storage: require('Storage'),
    crypto: optionalModule('crypto'),
    http: require('http'),
    hwRand: function () {
      return E.hwRand();
    },
    getTime: function () {
      return getTime();
    },
    toString: function (b) {
      return E.toString(b);
    },
    toUint8Array: function (s) {
      return E.toUint8Array(s);
    },
    digitalWrite: function (p, v) {
      digitalWrite(p, v);
    },
    digitalRead: function (p) {
      return digitalRead(p);
    },
    analogWrite: function (p, d, o) {
      analogWrite(p, d, o);
    },
    setWatch: function (cb, p, o) {
      return setWatch(cb, p, o);
    },
    setTimeout: function (cb, ms) {
      // A small integer on Espruino (Node's type says Timeout: this file only runs on Espruino).
      return setTimeout(cb, ms) as unknown as number;
    },
    clearTimeout: function (id) {
      clearTimeout(id as never);
    },
    memoryUsage: function () {
      return process.memory().usage;
    },
  };
}
