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
  // The built-ins themselves where they fit the interface as they are (global functions, and E's static methods,
  // which do not use `this`): a call then costs no JavaScript call of ours, and getTime alone is called a few dozen
  // times a tap (the driver's deadlines).
  return {
    storage: require('Storage'),
    crypto: optionalModule('crypto'),
    http: require('http'),
    hwRand: E.hwRand,
    getTime: getTime,
    toString: E.toString,
    toUint8Array: E.toUint8Array,
    digitalWrite: digitalWrite,
    digitalRead: digitalRead,
    analogWrite: analogWrite,
    setWatch: setWatch,
    // A small integer on Espruino (Node's types say Timeout: this file only runs on Espruino).
    setTimeout: setTimeout as unknown as EspruinoRuntime['setTimeout'],
    clearTimeout: clearTimeout as unknown as EspruinoRuntime['clearTimeout'],
    memoryUsage: function () {
      return process.memory().usage;
    },
  };
}
