/**
 * The parts of Espruino's own library the Espruino board uses, as interfaces: the board receives them from its entry
 * point (which reads the interpreter's globals), so that the board's code is plain TypeScript that Node can test with
 * fakes. Signatures are what the 2v29 interpreter does (../shared/reference/espruino.md), not @types/espruino.
 */

/** `require("Storage")`: flash files. A file made with `write(name, data, 0, size)` is `size` bytes of 0xFF with
 * `data` at 0; later writes at an offset may only turn 0xFF bytes into data (NOR semantics), else they throw. */
export interface EspruinoStorage {
  write(name: string, data: Uint8Array | string, offset?: number, size?: number): boolean;
  /**
   * Bytes [offset, offset + length) of the file as a string (clipped to the file; the whole file when length is
   * absent or not above 0), or undefined when there is no such file. Where flash is mapped into memory (ESP32, the
   * STM32 boards) the string points into flash; elsewhere (the Linux build, external SPI flash) it is a copy in RAM.
   */
  read(name: string, offset?: number, length?: number): string | undefined;
  erase(name: string): void;
  getFree(): number;
}

/** `require("crypto")` where the firmware has it. */
export interface EspruinoCrypto {
  /** Undefined (after printing "Not enough memory for result") when no contiguous block for the answer is free. */
  SHA256(data: Uint8Array): ArrayBuffer | undefined;
}

/** A hardware SPI (`SPI1`, `SPI2`) after `setup`. `send` with a Uint8Array returns a Uint8Array. */
export interface EspruinoSpi {
  send(data: Uint8Array, cs: EspruinoPin): Uint8Array;
}

/** A pin: a Pin object on a board, its name as a string in the configuration. */
export type EspruinoPin = unknown;

export interface EspruinoHttpResponse {
  statusCode: number | string;
  headers: { [name: string]: string };
  on(event: 'data', cb: (chunk: string) => void): void;
  on(event: 'close', cb: () => void): void;
  on(event: 'error', cb: (e: unknown) => void): void;
}

export interface EspruinoHttpRequest {
  on(event: 'error', cb: (e: unknown) => void): void;
  write(data: string): void;
  end(data?: string): void;
}

/** `require("http")`. */
export interface EspruinoHttp {
  request(options: { host: string; port: number; path: string; method: string; protocol?: string; headers: { [name: string]: string } }, cb: (res: EspruinoHttpResponse) => void): EspruinoHttpRequest;
}

/** The globals the board reads. */
export interface EspruinoRuntime {
  storage: EspruinoStorage;
  /** Absent on a firmware built without crypto: the board then hashes in JavaScript. */
  crypto?: EspruinoCrypto;
  http: EspruinoHttp;
  /** A random 32-bit integer from the hardware (`E.hwRand`). */
  hwRand(): number;
  /** Seconds since 1970 (`getTime`), fractional; set by SNTP, so it may jump. */
  getTime(): number;
  /** Bytes as an 8-bit string and back (`E.toString`, `E.toUint8Array`). */
  toString(bytes: Uint8Array): string;
  toUint8Array(s: string): Uint8Array;
  digitalWrite(pin: EspruinoPin, value: number): void;
  digitalRead(pin: EspruinoPin): number;
  /** PWM: `analogWrite(pin, duty, {freq})`. */
  analogWrite(pin: EspruinoPin, duty: number, options?: { freq: number }): void;
  /** `setWatch(cb, pin, {repeat: true, edge: 'both', debounce})`: the callback gets the debounced state. */
  setWatch(cb: (e: { state: boolean }) => void, pin: EspruinoPin, options: { repeat: boolean; edge: string; debounce: number }): number;
  setTimeout(cb: () => void, ms: number): number;
  clearTimeout(id: number): void;
  /** `process.memory().usage`: variables in use. */
  memoryUsage(): number;
}
