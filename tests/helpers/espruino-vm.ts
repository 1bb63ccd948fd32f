// A node:vm context shaped like the Espruino interpreter: its language and library (what Espruino lacks removed, what
// it does differently done its way) and its globals wired to Node-side doubles: Storage, http (bridged to Node's),
// crypto.SHA256, E, timers, pins, and SPI1 in front of a simulated MFRC522. With `files`, also what the Linux build
// adds: require("fs").writeFileSync and E.openFile(path, "r").read(n), blocking as fopen/fread do there.
import vm from 'node:vm';
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createHash, randomInt } from 'node:crypto';
import type { SimMfrc522 } from '../../sim/mfrc522/chip.js';
import { detokenise } from '../../sim/espruino/tokens.js';
import type { FakeStorage } from './espruino-fakes.js';

/** An image as built (pretokenised, dist/espruino/*.js) as the JavaScript the interpreter's lexer reads in it. */
export function readImage(file: string): string {
  return detokenise(readFileSync(file, 'latin1'));
}

/**
 * A context with Espruino's language and library, and its globals wired to Node-side doubles. Without `chip` there
 * is no SPI1 (the code run in it brings its own); `files` adds the Linux build's file access.
 */
export function espruinoContext(o: { storage: FakeStorage; chip?: SimMfrc522; log: string[]; files?: boolean }) {
  const ctx = vm.createContext({});
  // What the interpreter lacks, removed; what it does differently, done its way.
  vm.runInContext(
    `delete globalThis.Map; delete globalThis.Set; delete globalThis.WeakMap; delete globalThis.WeakSet; delete globalThis.Symbol;
     delete globalThis.Proxy; delete globalThis.Reflect; delete globalThis.RangeError; delete globalThis.BigInt;
     delete Date.UTC; delete Math.imul; delete Math.trunc; delete Math.clz32; delete Array.from; delete Array.of;
     delete Uint8Array.from; delete Uint8Array.of; delete Object.freeze; delete Object.seal; delete Object.is;
     delete Number.isInteger; delete Number.isNaN; delete Number.isFinite; delete Promise.race; delete Promise.allSettled;
     delete Promise.any; delete Promise.prototype.finally; delete ArrayBuffer.prototype.slice;
     (function () {
       var arraySlice = [].slice;
       Object.defineProperty(Object.getPrototypeOf(Uint8Array.prototype), 'slice', { value: function (a, b) { return arraySlice.call(this, a, b); } });
       Object.defineProperty(Object.getPrototypeOf(Uint8Array.prototype), 'filter', { value: function (f) { return [].filter.call(this, f); } });
     })();`,
    ctx,
  );
  // The interpreter's lexer reads pretokenised source wherever it reads source; eval here does too.
  const globalEval = vm.runInContext('eval', ctx) as (src: unknown) => unknown;
  vm.runInContext('globalThis', ctx).eval = (src: unknown) => globalEval(typeof src === 'string' ? detokenise(src) : src);
  const U8 = vm.runInContext('Uint8Array', ctx) as Uint8ArrayConstructor;
  const AB = vm.runInContext('ArrayBuffer', ctx) as ArrayBufferConstructor;
  const inCtx = (b: Uint8Array) => new U8(Array.from(b));
  const timers = new Map<number, NodeJS.Timeout>();
  let stopped = false;
  let nextTimer = 1;
  const http = {
    request(opts: { host: string; port: number; path: string; method: string; headers: Record<string, string> }, cb: (res: unknown) => void) {
      const handlers: Record<string, (x: unknown) => void> = {};
      return {
        on: (ev: string, f: (x: unknown) => void) => (handlers[ev] = f),
        write() {
          throw new Error('the uplink sends its body with end()');
        },
        end(body: string) {
          const req = request({ host: opts.host, port: opts.port, path: opts.path, method: opts.method, headers: opts.headers }, (res) => {
            const rh: Record<string, (x?: unknown) => void> = {};
            cb({ statusCode: res.statusCode, headers: res.headers, on: (ev: string, f: (x?: unknown) => void) => (rh[ev] = f) });
            res.setEncoding('latin1');
            res.on('data', (d: string) => rh.data?.(d));
            res.on('end', () => rh.close?.());
          });
          req.on('error', (e) => handlers.error?.(e));
          req.end(Buffer.from(body ?? '', 'latin1'));
        },
      };
    },
  };
  const modules: Record<string, unknown> = {
    Storage: {
      write: (n: string, d: Uint8Array | string, off?: number, size?: number) => o.storage.write(n, typeof d === 'string' ? d : new Uint8Array(d), off, size),
      read: (n: string, off?: number, len?: number) => o.storage.read(n, off, len),
      readArrayBuffer: (n: string) => {
        const b = o.storage.readArrayBuffer(n);
        if (!b) return undefined;
        const out = new AB(b.byteLength);
        new U8(out).set(new Uint8Array(b));
        return out;
      },
      erase: (n: string) => o.storage.erase(n),
      getFree: () => o.storage.getFree(),
    },
    http,
    crypto: {
      SHA256: (d: Uint8Array) => {
        const out = new AB(32);
        new U8(out).set(createHash('sha256').update(new Uint8Array(d)).digest());
        return out;
      },
    },
  };
  if (o.files) {
    modules.fs = { writeFileSync: (path: string, text: string) => writeFileSync(path, Buffer.from(text, 'latin1')) };
  }
  const fds: number[] = [];
  const openFile = (path: string, mode: string) => {
    if (mode !== 'r') throw new Error('only "r" here');
    const fd = openSync(path, 'r');
    fds.push(fd);
    return {
      read: (n: number) => {
        const b = Buffer.alloc(n);
        let got = 0;
        while (got < n) {
          const r = readSync(fd, b, got, n - got, null);
          if (r === 0) break;
          got += r;
        }
        return got ? b.subarray(0, got).toString('latin1') : undefined;
      },
    };
  };
  Object.assign(ctx, {
    console: { log: (...a: unknown[]) => o.log.push(a.map(String).join(' ')) },
    require: (name: string) => {
      if (!(name in modules)) throw new Error(`Module ${name} not found`);
      return modules[name];
    },
    setTimeout: (f: () => void, ms: number) => {
      const id = nextTimer++;
      if (stopped) return id; // the board is off: nothing runs any more
      timers.set(id, setTimeout(() => (timers.delete(id), f()), ms));
      return id;
    },
    clearTimeout: (id: number) => {
      if (id === undefined) throw new Error('clearTimeout(undefined) is not allowed on Espruino');
      clearTimeout(timers.get(id));
      timers.delete(id);
    },
    E: {
      hwRand: () => randomInt(0, 2 ** 32 - 1) | 0,
      toString: (b: Uint8Array) => Buffer.from(b).toString('latin1'),
      toUint8Array: (s: string) => inCtx(Buffer.from(s, 'latin1')),
      ...(o.files ? { openFile } : {}),
    },
    process: { memory: () => ({ usage: 0 }) },
    getTime: () => Date.now() / 1000,
    Pin: (name: string) => ({ pin: name }),
    digitalWrite: () => {},
    digitalRead: () => 1,
    analogWrite: () => {},
    setWatch: () => 1,
  });
  const chip = o.chip;
  if (chip) Object.assign(ctx, { SPI1: { setup: () => {}, send: (data: Uint8Array) => inCtx(chip.transfer(new Uint8Array(data))) } });
  return {
    ctx,
    stop: () => {
      stopped = true;
      timers.forEach((t) => clearTimeout(t));
      for (const fd of fds.splice(0)) closeSync(fd);
    },
  };
}

