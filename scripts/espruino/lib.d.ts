// The parts of the Espruino runtime beyond ES5 that firmware/ and hal/ may use (tested on 2v29, see
// ../shared/reference/espruino.md). Anything not declared here is either missing on Espruino or not wanted in
// platform-free code. Keep this list short and true.

interface String {
  startsWith(search: string, position?: number): boolean;
  endsWith(search: string, length?: number): boolean;
  includes(search: string, position?: number): boolean;
  padStart(length: number, fill?: string): string;
  padEnd(length: number, fill?: string): string;
  repeat(count: number): string;
}

interface Array<T> {
  find(predicate: (value: T, index: number, obj: T[]) => unknown): T | undefined;
  findIndex(predicate: (value: T, index: number, obj: T[]) => unknown): number;
  includes(search: T, fromIndex?: number): boolean;
  fill(value: T, start?: number, end?: number): this;
}

interface ReadonlyArray<T> {
  find(predicate: (value: T, index: number, obj: readonly T[]) => unknown): T | undefined;
  findIndex(predicate: (value: T, index: number, obj: readonly T[]) => unknown): number;
  includes(search: T, fromIndex?: number): boolean;
}

interface Uint8Array {
  // ES5's lib already has set/subarray/slice/fill/indexOf/every/some/map/join.
  includes(search: number, fromIndex?: number): boolean;
}

interface ObjectConstructor {
  assign<T extends {}, U>(target: T, source: U): T & U;
  keys(o: object): string[];
  entries<T>(o: { [s: string]: T }): [string, T][];
  values<T>(o: { [s: string]: T }): T[];
  setPrototypeOf(o: object, proto: object | null): object;
}

interface Math {
  sign(x: number): number;
}

declare function setTimeout(callback: () => void, ms?: number): number;
declare function clearTimeout(id: number): void;
declare function setInterval(callback: () => void, ms?: number): number;
declare function clearInterval(id: number): void;

interface Console {
  log(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
}
declare var console: Console;
