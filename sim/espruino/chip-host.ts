// The simulated chip for an Espruino interpreter that runs the real device image (dist/espruino/firmware.js): the
// image boots from the interpreter's Storage as on a board, and its SPI1 is a small shim that sends each transfer
// over a named pipe to a worker thread here, where the simulator's MFRC522 answers with the self-test's tags in its
// field. Everything else is the interpreter's own (Storage, http, timers, crypto), so a run measures the image as
// flashed: the simulator's code and state are not in the interpreter's memory. The Linux build of the interpreter
// reads files with fopen/fread, so one transfer is: write the request with fs.writeFileSync (length byte, bytes),
// then read exactly as many bytes back from the response pipe, held open.
import { spawnSync } from 'node:child_process';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SelftestData } from '../selftest-data.js';

/** Transfers a tag stays in the field without being halted before it is taken away unread. */
export const HOLD_LIMIT = 3000;
/** Transfers with no tag in the field between two taps: a few of the device's polls. */
export const GAP_TRANSFERS = 40;

export type HostMessage =
  | { kind: 'tap'; tap: number; halted: boolean; transfers: number }
  | { kind: 'progress'; transfers: number }
  | { kind: 'refused'; message: string; transfers: number }
  | { kind: 'taps-done'; transfers: number }
  | { kind: 'stopped'; transfers: number };

export interface TapOutcome {
  /** Taps the device read to the end (it halted the tag). */
  halted: number;
  /** Taps it did not: the tag was taken away after {@link HOLD_LIMIT} transfers. */
  unread: number[];
  /** Transfers the chip model refused (the first five reasons): a driver that breaks the SPI protocol. */
  refused: string[];
}

export interface ChipHost {
  /** Resolves when the badge and every tap have been presented. */
  readonly taps: Promise<TapOutcome>;
  /** Transfers answered so far (counted every 250), and the taps so far. */
  transfers(): number;
  outcome(): TapOutcome;
  /** Ends the worker (also when the interpreter died halfway through a request). */
  stop(): Promise<void>;
}

/** Makes the two pipes in `dir` (mkfifo) and starts the worker that answers on them. */
export function startChipHost(dir: string, data: SelftestData): ChipHost {
  for (const name of ['req', 'rsp']) {
    const r = spawnSync('mkfifo', [join(dir, name)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mkfifo ${join(dir, name)} failed: ${r.stderr || r.error}`);
  }
  const worker = new Worker(new URL('./chip-host-worker.js', import.meta.url), { workerData: { dir, data } });
  let transfers = 0;
  const outcome: TapOutcome = { halted: 0, unread: [], refused: [] };
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const taps = new Promise<TapOutcome>((resolve, reject) => {
    worker.on('message', (m: HostMessage) => {
      transfers = m.transfers;
      if (m.kind === 'tap') {
        if (m.halted) outcome.halted++;
        else outcome.unread.push(m.tap);
      } else if (m.kind === 'refused') {
        if (outcome.refused.length < 5) outcome.refused.push(`transfer ${m.transfers + 1}: ${m.message}`);
      } else if (m.kind === 'taps-done') resolve(outcome);
    });
    worker.once('error', reject);
    void exited.then(() => reject(new Error(`the chip host stopped after ${transfers} transfers, before the last tap`)));
  });
  taps.catch(() => undefined);
  return {
    taps,
    transfers: () => transfers,
    outcome: () => ({ halted: outcome.halted, unread: outcome.unread.slice(), refused: outcome.refused.slice() }),
    stop: async () => {
      // Zeros: they complete a request the interpreter left half written, then one of them is the stop (length 0).
      const fd = openSync(join(dir, 'req'), constants.O_WRONLY);
      try {
        writeSync(fd, new Uint8Array(257));
      } finally {
        closeSync(fd);
      }
      await exited;
    },
  };
}

/**
 * What the interpreter runs before the image, at its top level: SPI1 in front of the pipes in `dir`, and the peak of
 * `process.memory().usage` (after a garbage collection, as the self-test measures) sampled before each transfer and
 * when the uplink makes a request or gets its answer (http.request wrapped). It prints `RIG empty N` and `RIG base N`
 * (variables before and after itself), then `RIG peak N transfers T requests R` each time the peak has grown and
 * every 500 transfers. ES5, for the interpreter.
 */
export function interpreterShim(dir: string): string {
  const d = JSON.stringify(dir);
  return [
    'console.log("RIG empty " + process.memory().usage);',
    'var RIG_fs = require("fs"), RIG_rsp = E.openFile(' + d + ' + "/rsp", "r"), RIG_peak = 0, RIG_shown = 0, RIG_n = 0, RIG_requests = 0;',
    'function RIG_sample() { var u = process.memory().usage; if (u > RIG_peak) RIG_peak = u; }',
    'var SPI1 = { setup: function () {}, send: function (tx) {',
    '  RIG_sample();',
    '  RIG_fs.writeFileSync(' + d + ' + "/req", String.fromCharCode(tx.length) + E.toString(tx));',
    '  var rx = E.toUint8Array(RIG_rsp.read(tx.length));',
    '  RIG_n++;',
    '  if (RIG_peak !== RIG_shown || RIG_n % 500 === 0) { RIG_shown = RIG_peak; console.log("RIG peak " + RIG_peak + " transfers " + RIG_n + " requests " + RIG_requests); }',
    '  return rx;',
    '} };',
    '(function (http) {',
    '  var request = http.request;',
    '  http.request = function (options, cb) {',
    '    RIG_requests++;',
    '    RIG_sample();',
    '    return request.call(http, options, function (res) { RIG_sample(); cb(res); });',
    '  };',
    '})(require("http"));',
    'console.log("RIG base " + process.memory().usage);',
  ].join('\n') + '\n';
}
