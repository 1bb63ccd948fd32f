// Tap to feedback on the simulator's board (sim/device/board.ts) through the one device assembly
// (firmware/app/device.ts): the radio in modelled time (the simulated chip and tags advance the virtual clock by their
// SPI, air and tag time), the device's own work measured (judging, signing, the durable append), for three sealed
// tag types, on NOR flash and on the file backend with fdatasync.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Device } from '../../firmware/app/device.js';
import type { Board } from '../../hal/board.js';
import type { SegmentStorage } from '../../hal/storage.js';
import { createNodeCrypto } from '../../hal/node/crypto.js';
import { FileSegmentStorage } from '../../hal/node/file-storage.js';
import { ed25519Signer } from '../../firmware/records/signers.js';
import { VirtualClock } from '../../sim/clock.js';
import { RfField } from '../../sim/rf/field.js';
import { NorFlash } from '../../sim/flash/nor-flash.js';
import { createSimBoard } from '../../sim/device/board.js';
import { makeBadge, sealVirtualTag } from '../../sim/station.js';
import { Ntag213, Ntag213TT, Ntag215, SIM_ORIGINALITY_PUBLIC_KEY } from '../../sim/tags/index.js';
import type { Picc } from '../../sim/rf/air.js';
import type { BenchSection } from './table.js';

const crypto = createNodeCrypto();

/** One tap's time by stage, ms. */
export interface TapTimes {
  /** Modelled: how far the virtual clock moved during the tap (SPI transfers, air time, tag time, driver waits). */
  radio: number;
  /** Measured CPU from the end of the last radio exchange to the feedback, less signing and the append. */
  judge: number;
  sign: number;
  append: number;
  /** Measured CPU of driving the LED, buzzer and display. */
  feedback: number;
  total: number;
}

type Backend = 'nor' | 'file';

/** Times `taps` taps of `tag` (an inspector logged in first) on a fresh device; every tap writes a record. */
export async function measureTaps(tag: Picc, taps: number, backend: Backend, dir?: string): Promise<{ times: TapTimes[]; records: number }> {
  const clock = new VirtualClock({ epochMs: Date.UTC(2026, 11, 1) });
  const field = new RfField();
  const device = ed25519Signer(crypto.ed25519!, crypto.ed25519!.generateKeyPair().privateKey);
  let sign = 0;
  let append = 0;
  let feedbackCpu = 0;
  let shownAt = 0;
  let radioEnd = 0;
  const signer = {
    coseAlg: device.coseAlg,
    sign(m: Uint8Array) {
      const t = performance.now();
      const s = device.sign(m);
      sign += performance.now() - t;
      return s;
    },
  };
  const timedFeedback = <A extends unknown[]>(fn: (...a: A) => void) => (...a: A) => {
    const t = performance.now();
    if (!shownAt) shownAt = t;
    fn(...a);
    feedbackCpu += performance.now() - t;
  };
  const quiet = { led: { set: () => undefined }, buzzer: { play: () => undefined }, display: { show: () => undefined } };
  const sim = await createSimBoard({
    clock,
    field,
    flash: new NorFlash({ sectorCount: 256, clock }),
    crypto,
    signer,
    uplink: { request: async () => ({ ok: false, reason: 'unreachable', message: 'no network in this bench' }) },
    feedback: { led: { set: timedFeedback(quiet.led.set) }, buzzer: { play: timedFeedback(quiet.buzzer.play) }, display: { show: timedFeedback(quiet.display.show) } },
  });
  const storage: SegmentStorage = backend === 'file' ? new FileSegmentStorage({ dir: join(dir!, 'queue'), segmentCount: 16, segmentSize: 1 << 20 }) : sim.storage;
  const timedStorage: SegmentStorage = Object.create(storage) as SegmentStorage;
  timedStorage.append = (slot, bytes) => {
    const t = performance.now();
    storage.append(slot, bytes);
    append += performance.now() - t;
  };
  timedStorage.sync = (slot) => {
    const t = performance.now();
    storage.sync(slot);
    append += performance.now() - t;
  };
  timedStorage.erase = (slot) => {
    const t = performance.now();
    storage.erase(slot);
    append += performance.now() - t;
  };
  timedStorage.writeState = (copy, data) => {
    const t = performance.now();
    storage.writeState(copy, data);
    append += performance.now() - t;
  };
  // Every reader call ends a radio step; the last one before the feedback is where the device's own work starts.
  const reader = sim.reader;
  const timedReader = Object.create(reader) as typeof reader;
  for (const m of ['activate', 'select', 'halt', 'transceive', 'resetField'] as const) {
    const f = (reader as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[m].bind(reader);
    (timedReader as unknown as Record<string, unknown>)[m] = async (...a: unknown[]) => {
      const r = await f(...a);
      if (!shownAt) radioEnd = performance.now();
      return r;
    };
  }
  const board: Board = { ...sim, reader: timedReader, storage: timedStorage };
  const config = {
    deviceId: 'bench-scanner-1',
    site: '9506000000001',
    firmware: 'sealscan-bench',
    dedupeWindowMs: 0,
    checkpointEvery: 1000000,
    trust: { issuers: [{ name: 'Bench Pharma', publicKey: issuerKey.publicKey }], originalityKeys: [{ name: 'simulator', publicKey: SIM_ORIGINALITY_PUBLIC_KEY }] },
  };
  const d = new Device(board, { config, polling: 'manual', sync: { idlePollMs: 3600000 } });
  d.start();
  const tap = async (t: Picc) => {
    field.place(t);
    const e = await d.scanner.pollOnce();
    field.remove(t);
    return e;
  };
  const login = await tap(makeBadge('BENCH-1'));
  if (login?.kind !== 'login') throw new Error(`the bench inspector did not log in: ${login?.kind}`);
  const times: TapTimes[] = [];
  let records = 0;
  for (let i = 0; i < taps; i++) {
    sign = append = feedbackCpu = 0;
    shownAt = radioEnd = 0;
    const t0 = clock.now();
    const e = await tap(tag);
    const radio = clock.now() - t0;
    if (e?.kind !== 'scan' || e.seq === undefined) throw new Error(`tap ${i}: ${e?.kind ?? 'nothing'} instead of a recorded scan`);
    records++;
    const work = Math.max(0, shownAt - radioEnd);
    const judge = Math.max(0, work - sign - append);
    times.push({ radio, judge, sign, append, feedback: feedbackCpu, total: radio + judge + sign + append + feedbackCpu });
  }
  await d.stop();
  if (backend === 'file') (storage as FileSegmentStorage).close();
  return { times, records };
}

const issuerKey = crypto.ed25519!.generateKeyPair();

async function sealed(tag: Picc, serial: number): Promise<Picc> {
  const r = await sealVirtualTag(tag, { link: `https://id.gs1.org/01/09506000134352/21/${serial}`, issuer: issuerKey, sealedAtMs: Date.UTC(2026, 10, 1) }, crypto);
  if (!r.ok) throw new Error(`sealing for the bench failed: ${JSON.stringify(r)}`);
  return tag;
}

const pct = (xs: number[], p: number) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export async function bench(args: string[] = []): Promise<BenchSection[]> {
  const taps = args.includes('--quick') ? 100 : 500;
  const dir = mkdtempSync(join(tmpdir(), 'sealscan-bench-tap-'));
  const uid = (n: number) => [0x04, 0x7a, 0x90, 0x00, 0x00, 0x00, n];
  const tags: Array<[string, () => Promise<Picc>]> = [
    ['sealed NTAG213', () => sealed(new Ntag213({ uid: uid(1) }), 1)],
    ['sealed NTAG213 TT', () => sealed(new Ntag213TT({ uid: uid(2) }), 2)],
    ['sealed NTAG215', () => sealed(new Ntag215({ uid: uid(3) }), 3)],
  ];
  const rows: Array<Array<string | number>> = [];
  let worst = 0;
  try {
    for (const backend of ['nor', 'file'] as Backend[]) {
      for (const [name, make] of tags) {
        const { times } = await measureTaps(await make(), taps, backend, mkdtempSync(join(dir, backend)));
        const total = times.map((t) => t.total);
        const p95 = pct(total, 95);
        worst = Math.max(worst, p95);
        const stage = (k: keyof TapTimes) => `${mean(times.map((t) => t[k])).toFixed(1)} / ${pct(times.map((t) => t[k]), 95).toFixed(1)}`;
        rows.push([`${name}, ${backend === 'nor' ? 'NOR flash' : 'files + fdatasync'}`, taps, pct(total, 50), p95, pct(total, 99), stage('radio'), stage('judge'), stage('sign'), stage('append'), stage('feedback')]);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    {
      title: 'Tap to feedback (simulator board, one device assembly)',
      columns: ['tag, storage', 'taps', 'p50 ms', 'p95 ms', 'p99 ms', 'radio mean / p95', 'judge', 'sign', 'append', 'feedback'],
      rows,
      notes: [
        'Each tap: the tag is placed, one poll runs (REQA, anticollision, select, reads, originality signature, judge, sign, durable append, feedback, HLTA), the tag is lifted; an inspector is logged in first and the repeat window is off, so every tap writes a scan record.',
        'radio: modelled time, how far the virtual clock moved during the tap (the simulated chip and tags charge their SPI transfers at the driver\'s bus speed, air time and tag time; the driver\'s waits). Not this machine\'s CPU. On the NOR rows it also holds the flash\'s modelled program time (the NOR model charges its program and erase times to the clock): the difference to the file rows.',
        'judge, sign, append, feedback: measured CPU on this machine (performance.now). sign: the Ed25519 signature of the record; append: every call the queue makes on its storage that writes (append, sync, erase, state copy; NOR flash model, or segment files with fdatasync); judge: from the end of the last radio exchange to the first feedback call, less sign and append (the verdict, the seal and originality checks, building the record); feedback: the LED, buzzer and display calls.',
        'total = radio + judge + sign + append + feedback. The measured parts are this machine\'s CPU (a Raspberry Pi is slower); the modelled part is what the chip, the tags and the flash take on any host.',
      ],
      targets: [{ name: 'tap to feedback, p95 (worst row)', measured: worst.toFixed(1) + ' ms', target: '<= 150 ms', met: worst <= 150 }],
    },
  ];
}
