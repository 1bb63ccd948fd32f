// Tap to feedback, measured on the simulator's board (sim/device/board.ts) through the one device assembly
// (firmware/app/device.ts). `npm run bench -- tap` (scripts/bench/tap.ts) prints it; tests/bench/tap-timing.test.ts
// checks the bookkeeping. It lives in sim/ so that both can use it (nothing but scripts/ imports scripts/).
//
// One tap runs from the poll that finds the tag (pollOnce: REQA) to the moment the status LED is set. Its time is
// the virtual clock's advance over that span (modelled: the simulated chip, tags and flash charge SPI, air, tag and
// program time to it synchronously) plus this machine's CPU over that span, less the CPU spent inside the reader's
// calls (the real driver and the simulated chip interleaved; the model's bus and air time stand for them). The
// board's reader, signer, storage and LED are wrapped to split it by stage; nothing in firmware/ is touched.
import type { Board } from '../../hal/board.js';
import type { Crypto } from '../../hal/crypto.js';
import type { SegmentStorage } from '../../hal/storage.js';
import type { Uplink, UplinkResult } from '../../hal/uplink.js';
import { createNodeCrypto } from '../../hal/node/crypto.js';
import { queueStorageOf } from '../../hal/node/board-parts.js';
import { Device } from '../../firmware/app/device.js';
import type { IssuerKey } from '../../firmware/seals/sealer.js';
import { ed25519Signer } from '../../firmware/records/signers.js';
import { VirtualClock } from '../clock.js';
import { RfField } from '../rf/field.js';
import type { Picc } from '../rf/air.js';
import { NorFlash } from '../flash/nor-flash.js';
import { createSimBoard } from '../device/board.js';
import { makeBadge, sealVirtualTag } from '../station.js';
import { Ntag213, Ntag213TT, Ntag215, SIM_ORIGINALITY_PUBLIC_KEY } from '../tags/index.js';

/** One tap's time by stage, ms. The five stages add up to `total` (see {@link measureTaps} for each). */
export interface TapStages {
  radio: number;
  judge: number;
  sign: number;
  append: number;
  feedback: number;
  /** Computed on its own: modelled time to the LED + CPU to the LED − CPU inside reader calls. */
  total: number;
}

export type TapStorage = 'nor' | { dir: string };

export interface TapBenchOptions {
  /** A sealed tag (see {@link sealedBenchTag}); tapped `taps` times. */
  tag: Picc;
  taps: number;
  /** `nor`: the simulator's NOR flash (modelled program time); `{ dir }`: segment files with fdatasync there. */
  storage: TapStorage;
  /** The seal issuer the scanner trusts (the one that sealed `tag`). */
  issuer: Uint8Array;
  crypto?: Crypto;
}

export interface TapRun {
  stages: TapStages[];
  /** Verdicts of the taps, counted. */
  verdicts: { [verdict: string]: number };
  /** Taps that reported a durable record (a seq). */
  scanRecords: number;
  /** Records the queue gained over the taps (scan records, plus the checkpoint after every 50th record). */
  queued: number;
  /** Upload requests the sync worker made during the taps (0: sync never ran while tapping). */
  uplinkRequestsDuringTaps: number;
  /** Modelled time of a poll that finds no tag (REQA unanswered), and the pause between polls: the wait for a poll. */
  emptyPollMs: number;
  pollIntervalMs: number;
  /** Queue bytes per scan record (framed), over the taps. */
  bytesPerRecord: number;
  /** Longest storage call outside the taps (at boot: the first append opens a segment), ms of CPU + modelled. */
  slowestBootStorageMs: number;
}

const DAY_MS = 86_400_000;

/** An ingest that never answers until {@link release}: the sync worker's one request stays in flight (see below). */
class HeldUplink implements Uplink {
  requests = 0;
  private readonly pending: Array<(r: UplinkResult) => void> = [];
  request(): Promise<UplinkResult> {
    this.requests++;
    return new Promise((resolve) => this.pending.push(resolve));
  }
  release(): void {
    for (const r of this.pending.splice(0)) r({ ok: false, reason: 'unreachable', message: 'the bench is over' });
  }
}

/** Seals a fresh tag of `kind` with `issuer` (a Digital Link with serial `serial`), on the packaging station. */
export async function sealedBenchTag(kind: 'NTAG213' | 'NTAG213 TT' | 'NTAG215', serial: number, issuer: IssuerKey, crypto: Crypto = createNodeCrypto()): Promise<Picc> {
  const uid = [0x04, 0x7a, 0x90, 0x00, 0x00, (serial >> 8) & 0xff, serial & 0xff];
  const tag = kind === 'NTAG213' ? new Ntag213({ uid }) : kind === 'NTAG213 TT' ? new Ntag213TT({ uid }) : new Ntag215({ uid });
  const r = await sealVirtualTag(tag, { link: `https://id.gs1.org/01/09506000134352/21/${serial}`, issuer, sealedAtMs: Date.UTC(2026, 10, 1) }, crypto);
  if (!r.ok) throw new Error(`sealing the ${kind} for the bench failed: ${JSON.stringify(r)}`);
  return tag;
}

/**
 * Taps `o.tag` `o.taps` times on a fresh device (an inspector logged in first with a badge; repeat window off, so
 * every tap writes a scan record) and returns each tap's stages, all in ms:
 *
 * - radio: modelled. The virtual clock's advance from the start of the poll to the LED, less the flash's modelled
 *   program time (which is append). REQA, anticollision, select, the reads, READ_SIG, the TT status; the driver's
 *   polling waits. Not the HLTA (after the LED).
 * - sign: CPU inside the board's signer (Ed25519 over the record; the checkpoint's too when one falls in the tap).
 * - append: CPU inside every storage call (pwrite + fdatasync on files; the NOR model's page programs) + their
 *   modelled time (NOR program time; 0 on files).
 * - feedback: CPU from the end of the last storage call (the record is durable) to the LED set.
 * - judge: the rest of the CPU from the start of the poll to the LED, outside reader calls: read-tag logic between the
 *   exchanges, the seal's Ed25519 and the originality ECDSA checks, the verdict, building and encoding the record,
 *   the chain's hashing, the queue's framing and CRC.
 *
 * Sync is kept out of the way: the worker's first request (the boot record, at start) gets no answer until the taps
 * are done, with a one-day request timeout, so it neither reads the queue nor sends while tapping (checked).
 */
export async function measureTaps(o: TapBenchOptions): Promise<TapRun> {
  const crypto = o.crypto ?? createNodeCrypto();
  // auto: a sleep completes as soon as every task waits, at its own deadline. Only the driver sleeps during a tap,
  // so the clock moves exactly by the modelled costs and the driver's waits.
  const clock = new VirtualClock({ epochMs: Date.UTC(2026, 11, 1) });
  const field = new RfField();
  const uplink = new HeldUplink();
  const quiet = { led: { set: () => undefined }, buzzer: { play: () => undefined }, display: { show: () => undefined } };
  const key = crypto.ed25519!.generateKeyPair();
  const sim = await createSimBoard({ clock, field, flash: new NorFlash({ sectorCount: 256, clock }), crypto, signer: ed25519Signer(crypto.ed25519!, key.privateKey), uplink, feedback: quiet });
  const files = o.storage === 'nor' ? undefined : queueStorageOf(o.storage.dir);

  // Per tap, while `tapping` and before the LED.
  let tapping = false;
  let led: { wall: number; model: number } | undefined;
  let readerWall = 0;
  let signWall = 0;
  let storeWall = 0;
  let storeModel = 0;
  let storeEnd = 0;
  let slowestBootStorage = 0;
  const counting = () => tapping && !led;
  // Read through a function: the compiler cannot see that the wrapped LED below sets it during the tap.
  const ledMark = () => led;

  const reader = timedMethods(sim.reader, (wall) => {
    if (counting()) readerWall += wall;
  });
  const signer = {
    coseAlg: sim.signer.coseAlg,
    sign(m: Uint8Array): Uint8Array {
      const t = performance.now();
      const s = sim.signer.sign(m);
      if (counting()) signWall += performance.now() - t;
      return s;
    },
  };
  const storage = timedMethods(files ?? sim.storage, (wall, model, end) => {
    if (counting()) {
      storeWall += wall;
      storeModel += model;
      storeEnd = end;
    } else if (!tapping) slowestBootStorage = Math.max(slowestBootStorage, wall + model);
  }, clock);
  const board: Board = {
    ...sim,
    reader,
    signer,
    storage,
    led: {
      set(c) {
        sim.led.set(c);
        if (counting()) led = { wall: performance.now(), model: clock.now() };
      },
    },
    close: files ? () => files.close() : undefined,
  };
  const config = {
    deviceId: 'bench-scanner-1',
    site: '9506000000001',
    firmware: 'sealscan-bench',
    dedupeWindowMs: 0,
    trust: { issuers: [{ name: 'Bench Pharma', publicKey: o.issuer }], originalityKeys: [{ name: 'simulator', publicKey: SIM_ORIGINALITY_PUBLIC_KEY }] },
  };
  const device = new Device(board, { config, polling: 'manual', sync: { requestTimeoutMs: DAY_MS, idlePollMs: DAY_MS } });
  try {
    device.start();
    if (uplink.requests !== 1 || device.sync.status().state !== 'sending') throw new Error(`the sync worker is not parked on its first request: ${device.sync.status().state}, ${uplink.requests} requests`);
    const t0 = clock.now();
    if (device.scanner.pollOnce() !== null) throw new Error('a tag answered on an empty reader');
    const emptyPollMs = clock.now() - t0;
    const tap = (t: Picc) => {
      field.place(t);
      try {
        return device.scanner.pollOnce();
      } finally {
        field.remove(t);
      }
    };
    const login = tap(makeBadge('BENCH-1'));
    if (login?.kind !== 'login') throw new Error(`the bench inspector did not log in: ${login?.kind ?? 'nothing'}`);
    const requestsBefore = uplink.requests;
    const nextSeq = device.queue.status().nextSeq;
    const usedBytes = device.queue.status().usedBytes;
    const stages: TapStages[] = [];
    const verdicts: { [v: string]: number } = {};
    let scanRecords = 0;
    for (let i = 0; i < o.taps; i++) {
      readerWall = signWall = storeWall = storeModel = storeEnd = 0;
      led = undefined;
      tapping = true;
      const w0 = performance.now();
      const v0 = clock.now();
      const e = tap(o.tag);
      tapping = false;
      const lit = ledMark();
      if (e?.kind !== 'scan' || e.seq === undefined || !lit) throw new Error(`tap ${i}: ${e?.kind ?? 'nothing'} instead of a recorded scan with feedback`);
      scanRecords++;
      const v = e.judgement?.verdict ?? 'none';
      verdicts[v] = (verdicts[v] ?? 0) + 1;
      const model = lit.model - v0;
      if (model > 5000) throw new Error(`tap ${i}: ${model} ms of virtual time; something besides the tap moved the clock`);
      const wall = lit.wall - w0;
      const feedback = storeEnd ? lit.wall - storeEnd : 0;
      stages.push({
        radio: model - storeModel,
        judge: wall - readerWall - signWall - storeWall - feedback,
        sign: signWall,
        append: storeWall + storeModel,
        feedback,
        total: model + wall - readerWall,
      });
    }
    return {
      stages,
      verdicts,
      scanRecords,
      queued: device.queue.status().nextSeq - nextSeq,
      bytesPerRecord: (device.queue.status().usedBytes - usedBytes) / (device.queue.status().nextSeq - nextSeq),
      uplinkRequestsDuringTaps: uplink.requests - requestsBefore,
      emptyPollMs,
      pollIntervalMs: device.scanner.config.pollIntervalMs,
      slowestBootStorageMs: slowestBootStorage,
    };
  } finally {
    tapping = false;
    uplink.release();
    await device.stop();
  }
}

/**
 * `target` with every method wrapped: `done(wall, model, end)` after each call with its CPU (performance.now, ms; an
 * async call until it settles), the virtual clock's advance during it, and the wall time it ended.
 */
function timedMethods<T extends object>(target: T, done: (wall: number, model: number, end: number) => void, clock?: VirtualClock): T {
  return new Proxy(target, {
    get(t, name) {
      const v = Reflect.get(t, name, t) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        const w = performance.now();
        const m = clock ? clock.now() : 0;
        const finish = () => {
          const end = performance.now();
          done(end - w, clock ? clock.now() - m : 0, end);
        };
        const r = (v as (...a: unknown[]) => unknown).apply(t, args);
        if (r instanceof Promise) return r.finally(finish);
        finish();
        return r;
      };
    },
  }) as T;
}

/** Percentile `p` (0..100) of `xs`: the value at rank ceil(p% of n). */
export function percentile(xs: number[], p: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.max(0, Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1))];
}
