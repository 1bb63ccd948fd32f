// Shared by the sync tests: a device (signed records in a durable queue on simulated NOR flash), a scripted fake
// uplink backed by the real Ingest logic (no HTTP, virtual time), and a seeded random source.
import { Queue } from '../../firmware/queue/index.js';
import { RecordChain } from '../../firmware/records/chain.js';
import { decodeCbor } from '../../firmware/records/cbor.js';
import { NorFlash, NorSegmentStorage } from '../flash/index.js';
import type { Uplink, UplinkRequest, UplinkResult } from '../../hal/uplink.js';
import { answerJson, Ingest } from '../../upstream/ingest.js';
import { SqliteStore } from '../../upstream/sqlite-store.js';
import { crypto, ed25519Device, genuineScan, T0, type TestDevice } from './fixtures.js';

export const DEVICE = ed25519Device('scanner-0001');

export interface SimDevice {
  queue: Queue;
  records: Uint8Array[];
  /** Appends `n` more signed scan records durably. */
  scan(n: number): void;
  /** Power cycle: a new Queue instance on the surviving flash image (what a crash leaves). */
  reboot(): Queue;
}

export function simDevice(n: number, device: TestDevice = DEVICE, sectorCount = 128): SimDevice {
  let flash = new NorFlash({ sectorCount });
  let queue = Queue.open(new NorSegmentStorage(flash), { sha256: crypto }).queue;
  const chain = RecordChain.start(device.signer, crypto, device.id, 1);
  const records: Uint8Array[] = [];
  const dev: SimDevice = {
    get queue() {
      return queue;
    },
    records,
    scan(k: number) {
      for (let i = 0; i < k; i++) {
        const r = chain.prepare({ kind: 'scan', ...genuineScan() }, T0 + records.length * 1000);
        const a = queue.append(r.bytes, r.payload.time);
        if (!a.ok) throw new Error('queue refused: ' + a.reason);
        chain.commit(r);
        records.push(r.bytes);
      }
    },
    reboot() {
      flash = flash.restart();
      queue = Queue.open(new NorSegmentStorage(flash), { sha256: crypto }).queue;
      return queue;
    },
  };
  dev.scan(n);
  return dev;
}

/** An ingest over a SQLite file in memory, with `device` registered. */
export async function memoryIngest(device: TestDevice = DEVICE): Promise<{ ingest: Ingest; store: SqliteStore }> {
  const store = new SqliteStore(':memory:');
  await store.register({ id: device.id, alg: device.key.alg === -8 ? 'ed25519' : 'hmac-sha256', key: device.key.alg === -8 ? device.key.publicKey : device.key.hmacKey }, T0);
  return { ingest: new Ingest({ store, sha256: crypto, now: () => T0 }), store };
}

/** What the fake uplink does with one request. */
export type Step =
  | 'ok'
  | 'unreachable'
  | 'hang'
  | 'reset-after-commit'
  | 'reset'
  | { status: number; headers?: Record<string, string>; body?: unknown };

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

/**
 * An Uplink that answers from the real Ingest logic, following `script` one step per request (then 'ok' forever).
 * Records the virtual time of every request.
 */
export class ScriptedUplink implements Uplink {
  readonly times: number[] = [];
  readonly bodies: Uint8Array[] = [];
  constructor(
    private readonly ingest: Ingest,
    private readonly now: () => number,
    public script: Step[] = [],
    public otherwise: Step = 'ok',
  ) {}

  async request(req: UplinkRequest): Promise<UplinkResult> {
    this.times.push(this.now());
    this.bodies.push(req.body!);
    const step = this.script.length ? this.script.shift()! : this.otherwise;
    if (step === 'unreachable') return { ok: false, reason: 'unreachable', message: 'ECONNREFUSED' };
    if (step === 'reset') return { ok: false, reason: 'reset', message: 'ECONNRESET while sending', bodyUnsent: true };
    if (step === 'hang') return new Promise<UplinkResult>(() => undefined);
    if (typeof step === 'object') {
      return { ok: true, response: { status: step.status, headers: step.headers ?? {}, body: json(step.body ?? { error: { code: 'scripted', message: 'scripted answer' } }) } };
    }
    const answer = await this.ingest.ingest(decodeCbor(req.body!) as Uint8Array[]);
    if (step === 'reset-after-commit') return { ok: false, reason: 'reset', message: 'connection reset after the server committed' };
    return { ok: true, response: { status: 200, headers: { 'content-type': 'application/json' }, body: json(answerJson(answer)) } };
  }
}

// The seeded random source is the queue tests' (tests/durability takes it from here).
export { prng } from './queue-kit.js';

/** Seqs stored by the ingest, in order (each seq must appear once). */
export function storedSeqs(store: SqliteStore, device = DEVICE.id): number[] {
  const db = (store as unknown as { db: { prepare(s: string): { all(d: string): Array<{ seq: number }> } } }).db;
  return db.prepare('SELECT seq FROM records WHERE device = ? ORDER BY seq').all(device).map((r) => r.seq);
}
