// Refusals are counted, not stored: per pool (a registered device, or '' for records naming none) a count per
// reason, and a bounded sample of the refused bytes for forensics. Counts gather in memory and reach the store in
// one small transaction per interval, so a client sending garbage costs no disk write per request, and memory
// stays bounded: one counter per pool and reason, and at most a few samples per pool until the next flush.
import type { IngestStore, RefusalBatch, RejectRow } from './store.js';

export interface RefusalLimits {
  /** Bytes of a refused record kept in a sample (the rest is cut; the sample says how long it was). */
  sampleBytes: number;
  /** Samples per pool between two flushes. */
  samplesPerFlush: number;
  /** Flush interval, ms (0: flush after every request, as tests need). */
  flushMs: number;
}

export const DEFAULT_REFUSAL_LIMITS: RefusalLimits = { sampleBytes: 4096, samplesPerFlush: 4, flushMs: 1000 };

/** Pending samples in memory at most, over all pools (the rest of an interval's refusals are only counted). */
const MAX_PENDING_SAMPLES = 256;

export class RefusalLog {
  private counts = new Map<string, { pool: string; reason: string; n: number; lastAt: number }>();
  private samples: RefusalBatch['samples'] = [];
  private perPool = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: IngestStore,
    readonly limits: RefusalLimits = DEFAULT_REFUSAL_LIMITS,
  ) {}

  /** Counts `row` in `pool` and keeps a sample of it while the pool's share of this interval lasts. */
  add(pool: string, row: RejectRow): void {
    const key = pool + '\u0000' + row.reason;
    const c = this.counts.get(key);
    if (c) {
      c.n++;
      if (row.receivedAt > c.lastAt) c.lastAt = row.receivedAt;
    } else this.counts.set(key, { pool, reason: row.reason, n: 1, lastAt: row.receivedAt });
    const taken = this.perPool.get(pool) ?? 0;
    if (taken < this.limits.samplesPerFlush && this.samples.length < MAX_PENDING_SAMPLES) {
      this.perPool.set(pool, taken + 1);
      const size = row.bytes.length;
      // A copy of at most sampleBytes: a view would keep the whole request body alive until the flush.
      const bytes = row.bytes.slice(0, this.limits.sampleBytes);
      this.samples.push({ ...row, bytes, message: row.message.slice(0, 500), pool, size });
    }
    this.schedule();
  }

  /** Counts not yet in the store, by reason, for `pool`. */
  pending(pool: string): { [reason: string]: number } {
    const out: { [reason: string]: number } = Object.create(null);
    for (const c of this.counts.values()) if (c.pool === pool) out[c.reason] = c.n;
    return out;
  }

  private schedule(): void {
    if (this.timer !== undefined || this.limits.flushMs === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((e: unknown) => console.error('sealscan ingest: refusal counts not stored:', e));
    }, this.limits.flushMs);
    this.timer.unref?.();
  }

  /** Writes what gathered since the last flush; one flush at a time. */
  flush(): Promise<void> {
    const run = this.flushing.then(async () => {
      if (!this.counts.size) return;
      const batch: RefusalBatch = { counts: [...this.counts.values()], samples: this.samples };
      this.counts = new Map();
      this.samples = [];
      this.perPool = new Map();
      try {
        await this.store.refuse(batch);
      } catch (e) {
        // Keep the counts for the next flush (samples are given up: they are only examples).
        for (const c of batch.counts) {
          const key = c.pool + '\u0000' + c.reason;
          const now = this.counts.get(key);
          if (now) now.n += c.n;
          else this.counts.set(key, c);
        }
        throw e;
      }
    });
    this.flushing = run.catch(() => undefined);
    return run;
  }

  /** Stops the timer and writes what is pending. */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
