// The JavaScript library of the Espruino interpreter (2v29), as measured on its Linux build and read from its source
// (../shared/reference/espruino.md), for `tsc -p tsconfig.espruino.json` with noLib: code that runs on Espruino is
// checked against this file alone. What is not declared here is missing there; where Espruino differs from ES5, the
// declaration says what Espruino does:
//
// - `slice` and `filter` on a typed array return a plain Array: copy bytes with hal/bytes.ts.
// - RegExp exists only as a type TypeScript needs: it has no methods here and no string method takes one. Most
//   patterns (`{n}`, quantified groups, alternation across groups) silently never match on Espruino.
// - No Map, Set, Symbol, WeakMap, Proxy, Reflect, BigInt, TextEncoder; no Array.from/of, Uint8Array.from/of,
//   Object.freeze/seal/is, Number.isInteger/isNaN/isFinite, Math.imul/trunc/clz32/log2, Date.UTC, RangeError,
//   Promise.race/allSettled/any/finally, String#trimStart/trimEnd/at/codePointAt/localeCompare/normalize,
//   Array#at/flat/flatMap/lastIndexOf/reduceRight/entries/keys/values, ArrayBuffer#slice, JSON replacer/reviver.
// - `Date.now()` is fractional milliseconds.
// Keep this file true: a declaration added here must be something the interpreter runs.

// ---- What TypeScript itself needs (types only; nothing of this exists at run time) ----
type PropertyKey = string | number;
type Partial<T> = { [P in keyof T]?: T[P] };
type Required<T> = { [P in keyof T]-?: T[P] };
type Readonly<T> = { readonly [P in keyof T]: T[P] };
type Pick<T, K extends keyof T> = { [P in K]: T[P] };
type Record<K extends keyof any, T> = { [P in K]: T };
type Exclude<T, U> = T extends U ? never : T;
type Extract<T, U> = T extends U ? T : never;
type Omit<T, K extends keyof any> = Pick<T, Exclude<keyof T, K>>;
type NonNullable<T> = T & {};
type Parameters<T extends (...args: any) => any> = T extends (...args: infer P) => any ? P : never;
type ReturnType<T extends (...args: any) => any> = T extends (...args: any) => infer R ? R : any;
type InstanceType<T extends abstract new (...args: any) => any> = T extends abstract new (...args: any) => infer R ? R : any;
type Awaited<T> = T extends null | undefined ? T : T extends object & { then(onfulfilled: infer F, ...args: infer _): any } ? (F extends (value: infer V, ...args: infer _) => any ? Awaited<V> : never) : T;
interface ThisType<T> {}
interface TemplateStringsArray extends ReadonlyArray<string> {
  readonly raw: readonly string[];
}
interface IArguments {
  [index: number]: any;
  length: number;
}
interface CallableFunction extends Function {}
interface NewableFunction extends Function {}
interface ArrayLike<T> {
  readonly length: number;
  readonly [n: number]: T;
}
interface PromiseLike<T> {
  then<R1 = T, R2 = never>(onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null, onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null): PromiseLike<R1 | R2>;
}
interface RegExp {}
declare type PromiseConstructorLike = new <T>(executor: (resolve: (value: T | PromiseLike<T>) => void, reject: (reason?: any) => void) => void) => PromiseLike<T>;

// ---- Values ----
declare var NaN: number;
declare var Infinity: number;
declare function parseInt(string: string, radix?: number): number;
declare function parseFloat(string: string): number;
declare function isNaN(n: number): boolean;
declare function isFinite(n: number): boolean;
declare function encodeURIComponent(s: string): string;
declare function decodeURIComponent(s: string): string;

interface Object {
  constructor: Function;
  toString(): string;
  hasOwnProperty(v: PropertyKey): boolean;
}
interface PropertyDescriptor {
  configurable?: boolean;
  enumerable?: boolean;
  value?: any;
  writable?: boolean;
  get?(): any;
  set?(v: any): void;
}
interface ObjectConstructor {
  new (value?: any): Object;
  readonly prototype: Object;
  keys(o: object): string[];
  values<T>(o: { [s: string]: T }): T[];
  entries<T>(o: { [s: string]: T }): [string, T][];
  assign<T extends {}, U>(target: T, source: U): T & U;
  assign<T extends {}, U, V>(target: T, s1: U, s2: V): T & U & V;
  create(o: object | null): any;
  defineProperty<T>(o: T, p: PropertyKey, attributes: PropertyDescriptor): T;
  getPrototypeOf(o: any): any;
  setPrototypeOf(o: any, proto: object | null): any;
  getOwnPropertyNames(o: any): string[];
}
declare var Object: ObjectConstructor;

interface Function {
  apply(this: Function, thisArg: any, argArray?: any): any;
  call(this: Function, thisArg: any, ...argArray: any[]): any;
  bind(this: Function, thisArg: any, ...argArray: any[]): any;
  readonly length: number;
  prototype: any;
}
interface FunctionConstructor {
  readonly prototype: Function;
}
declare var Function: FunctionConstructor;

interface Boolean {
  valueOf(): boolean;
}
interface BooleanConstructor {
  (value?: unknown): boolean;
}
declare var Boolean: BooleanConstructor;

interface Number {
  toString(radix?: number): string;
  toFixed(fractionDigits?: number): string;
  valueOf(): number;
}
interface NumberConstructor {
  (value?: any): number;
  readonly MAX_VALUE: number;
  readonly MIN_VALUE: number;
  readonly NaN: number;
  readonly NEGATIVE_INFINITY: number;
  readonly POSITIVE_INFINITY: number;
}
declare var Number: NumberConstructor;

interface String {
  readonly length: number;
  readonly [index: number]: string;
  toString(): string;
  charAt(pos: number): string;
  charCodeAt(index: number): number;
  indexOf(search: string, position?: number): number;
  lastIndexOf(search: string, position?: number): number;
  slice(start?: number, end?: number): string;
  substring(start: number, end?: number): string;
  substr(from: number, length?: number): string;
  toLowerCase(): string;
  toUpperCase(): string;
  trim(): string;
  split(separator: string, limit?: number): string[];
  /** Replaces the first occurrence of `search` (a string: patterns do not work on Espruino). */
  replace(search: string, replacement: string): string;
  replaceAll(search: string, replacement: string): string;
  startsWith(search: string, position?: number): boolean;
  endsWith(search: string, length?: number): boolean;
  includes(search: string, position?: number): boolean;
  padStart(length: number, fill?: string): string;
  padEnd(length: number, fill?: string): string;
  repeat(count: number): string;
}
interface StringConstructor {
  (value?: any): string;
  fromCharCode(...codes: number[]): string;
}
declare var String: StringConstructor;

interface ReadonlyArray<T> {
  readonly length: number;
  readonly [n: number]: T;
  toString(): string;
  join(separator?: string): string;
  slice(start?: number, end?: number): T[];
  concat(...items: (T | ConcatArray<T>)[]): T[];
  indexOf(search: T, fromIndex?: number): number;
  includes(search: T, fromIndex?: number): boolean;
  find<S extends T>(predicate: (value: T, index: number, obj: readonly T[]) => value is S): S | undefined;
  find(predicate: (value: T, index: number, obj: readonly T[]) => unknown): T | undefined;
  findIndex(predicate: (value: T, index: number, obj: readonly T[]) => unknown): number;
  every(predicate: (value: T, index: number, array: readonly T[]) => unknown): boolean;
  some(predicate: (value: T, index: number, array: readonly T[]) => unknown): boolean;
  forEach(callback: (value: T, index: number, array: readonly T[]) => void): void;
  map<U>(callback: (value: T, index: number, array: readonly T[]) => U): U[];
  filter<S extends T>(predicate: (value: T, index: number, array: readonly T[]) => value is S): S[];
  filter(predicate: (value: T, index: number, array: readonly T[]) => unknown): T[];
  reduce<U>(callback: (previous: U, current: T, index: number, array: readonly T[]) => U, initial: U): U;
}
interface ConcatArray<T> {
  readonly length: number;
  readonly [n: number]: T;
  join(separator?: string): string;
  slice(start?: number, end?: number): T[];
}
interface Array<T> {
  length: number;
  [n: number]: T;
  toString(): string;
  push(...items: T[]): number;
  pop(): T | undefined;
  shift(): T | undefined;
  unshift(...items: T[]): number;
  splice(start: number, deleteCount?: number, ...items: T[]): T[];
  reverse(): T[];
  sort(compare?: (a: T, b: T) => number): this;
  join(separator?: string): string;
  slice(start?: number, end?: number): T[];
  concat(...items: (T | ConcatArray<T>)[]): T[];
  indexOf(search: T, fromIndex?: number): number;
  includes(search: T, fromIndex?: number): boolean;
  fill(value: T, start?: number, end?: number): this;
  find<S extends T>(predicate: (value: T, index: number, obj: T[]) => value is S): S | undefined;
  find(predicate: (value: T, index: number, obj: T[]) => unknown): T | undefined;
  findIndex(predicate: (value: T, index: number, obj: T[]) => unknown): number;
  every(predicate: (value: T, index: number, array: T[]) => unknown): boolean;
  some(predicate: (value: T, index: number, array: T[]) => unknown): boolean;
  forEach(callback: (value: T, index: number, array: T[]) => void): void;
  map<U>(callback: (value: T, index: number, array: T[]) => U): U[];
  filter<S extends T>(predicate: (value: T, index: number, array: T[]) => value is S): S[];
  filter(predicate: (value: T, index: number, array: T[]) => unknown): T[];
  reduce<U>(callback: (previous: U, current: T, index: number, array: T[]) => U, initial: U): U;
}
interface ArrayConstructor {
  new <T = any>(length?: number): T[];
  <T = any>(length?: number): T[];
  isArray(arg: any): arg is any[];
  readonly prototype: any[];
}
declare var Array: ArrayConstructor;

interface Math {
  readonly PI: number;
  abs(x: number): number;
  floor(x: number): number;
  ceil(x: number): number;
  round(x: number): number;
  min(...values: number[]): number;
  max(...values: number[]): number;
  random(): number;
  sqrt(x: number): number;
  log(x: number): number;
  exp(x: number): number;
  sign(x: number): number;
}
declare var Math: Math;

interface Date {
  getTime(): number;
  toISOString(): string;
  getUTCFullYear(): number;
  getUTCMonth(): number;
  getUTCDate(): number;
  getUTCHours(): number;
  getUTCMinutes(): number;
  getUTCSeconds(): number;
  getUTCMilliseconds(): number;
  getUTCDay(): number;
}
interface DateConstructor {
  new (value?: number | string): Date;
  /** Fractional milliseconds on Espruino. */
  now(): number;
  parse(s: string): number;
}
declare var Date: DateConstructor;

interface JSON {
  parse(text: string): any;
  /** No replacer or reviver on Espruino, and its indentation differs from V8's. */
  stringify(value: any): string;
}
declare var JSON: JSON;

interface Error {
  name: string;
  message: string;
  stack?: string;
}
interface ErrorConstructor {
  new (message?: string): Error;
  (message?: string): Error;
  readonly prototype: Error;
}
declare var Error: ErrorConstructor;
interface TypeError extends Error {}
declare var TypeError: ErrorConstructor;
interface SyntaxError extends Error {}
declare var SyntaxError: ErrorConstructor;
interface ReferenceError extends Error {}
declare var ReferenceError: ErrorConstructor;

interface Promise<T> {
  then<R1 = T, R2 = never>(onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null, onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null): Promise<R1 | R2>;
  catch<R = never>(onrejected?: ((reason: any) => R | PromiseLike<R>) | null): Promise<T | R>;
}
interface PromiseConstructor {
  readonly prototype: Promise<any>;
  new <T>(executor: (resolve: (value: T | PromiseLike<T>) => void, reject: (reason?: any) => void) => void): Promise<T>;
  all<T extends readonly unknown[] | []>(values: T): Promise<{ -readonly [P in keyof T]: Awaited<T[P]> }>;
  resolve(): Promise<void>;
  resolve<T>(value: T | PromiseLike<T>): Promise<Awaited<T>>;
  reject<T = never>(reason?: any): Promise<T>;
}
declare var Promise: PromiseConstructor;

// ---- Binary data ----
interface ArrayBuffer {
  readonly byteLength: number;
}
interface ArrayBufferConstructor {
  new (byteLength: number): ArrayBuffer;
}
declare var ArrayBuffer: ArrayBufferConstructor;
interface ArrayBufferView {
  readonly buffer: ArrayBuffer;
  readonly byteLength: number;
  readonly byteOffset: number;
}
interface TypedArray<Self> extends ArrayBufferView {
  readonly length: number;
  [index: number]: number;
  set(array: ArrayLike<number>, offset?: number): void;
  /** A view on the same memory. */
  subarray(begin?: number, end?: number): Self;
  /** A plain Array on Espruino, not a typed array: copy bytes with hal/bytes.ts. */
  slice(start?: number, end?: number): number[];
  fill(value: number, start?: number, end?: number): this;
  indexOf(search: number, fromIndex?: number): number;
  includes(search: number, fromIndex?: number): boolean;
  join(separator?: string): string;
  every(predicate: (value: number, index: number, array: Self) => unknown): boolean;
  some(predicate: (value: number, index: number, array: Self) => unknown): boolean;
  forEach(callback: (value: number, index: number, array: Self) => void): void;
  reduce<U>(callback: (previous: U, current: number, index: number, array: Self) => U, initial: U): U;
}
interface TypedArrayConstructor<T> {
  new (length: number): T;
  new (array: ArrayLike<number>): T;
  new (buffer: ArrayBuffer, byteOffset?: number, length?: number): T;
  readonly BYTES_PER_ELEMENT: number;
}
interface Uint8Array extends TypedArray<Uint8Array> {}
declare var Uint8Array: TypedArrayConstructor<Uint8Array>;
interface Uint16Array extends TypedArray<Uint16Array> {}
declare var Uint16Array: TypedArrayConstructor<Uint16Array>;
interface Uint32Array extends TypedArray<Uint32Array> {}
declare var Uint32Array: TypedArrayConstructor<Uint32Array>;
interface Int32Array extends TypedArray<Int32Array> {}
declare var Int32Array: TypedArrayConstructor<Int32Array>;

interface DataView extends ArrayBufferView {
  getUint8(byteOffset: number): number;
  getInt8(byteOffset: number): number;
  getUint16(byteOffset: number, littleEndian?: boolean): number;
  getInt16(byteOffset: number, littleEndian?: boolean): number;
  getUint32(byteOffset: number, littleEndian?: boolean): number;
  getInt32(byteOffset: number, littleEndian?: boolean): number;
  getFloat32(byteOffset: number, littleEndian?: boolean): number;
  getFloat64(byteOffset: number, littleEndian?: boolean): number;
  setUint8(byteOffset: number, value: number): void;
  setInt8(byteOffset: number, value: number): void;
  setUint16(byteOffset: number, value: number, littleEndian?: boolean): void;
  setInt16(byteOffset: number, value: number, littleEndian?: boolean): void;
  setUint32(byteOffset: number, value: number, littleEndian?: boolean): void;
  setInt32(byteOffset: number, value: number, littleEndian?: boolean): void;
  setFloat32(byteOffset: number, value: number, littleEndian?: boolean): void;
  setFloat64(byteOffset: number, value: number, littleEndian?: boolean): void;
}
interface DataViewConstructor {
  new (buffer: ArrayBuffer, byteOffset?: number, byteLength?: number): DataView;
}
declare var DataView: DataViewConstructor;

// ---- Timers and the console ----
/** Never call clearTimeout/clearInterval with undefined (throws) or without an argument (clears every timer). */
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
