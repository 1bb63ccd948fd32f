// What every boot of the swept scanner tried to write, seq by seq, and which records the inspector was told about.
// The checks compare the device and the ingest against it: a record is only ever one of the attempts made for its
// seq, and a seq whose frame bytes reached the flash is never attempted again.
import type { Queue } from '../../firmware/queue/queue.js';
import type { NorFlash } from '../flash/nor-flash.js';

export interface Attempt {
  boot: number;
  bytes: Uint8Array;
  /** Some byte of the frame reached the flash (the seq is burned even if the append failed). */
  wrote: boolean;
  /** The append returned ok: the record is durable. */
  durable: boolean;
}

const SEGMENT_HEADER = 12;

export const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

export class Ledger {
  readonly attempts = new Map<number, Attempt[]>();
  /** Seq → bytes of every record whose feedback was given. */
  readonly told = new Map<number, Uint8Array>();
  readonly violations: string[] = [];
  /** Boot numbers in the order the boots came up. */
  readonly boots: number[] = [];
  private bootNo = -1;

  /** Journals every append of `queue` (one boot's) into this ledger. */
  watch(queue: Queue, flash: NorFlash, boot: number): void {
    this.bootNo = boot;
    this.boots.push(boot);
    const append = queue.append.bind(queue);
    queue.append = (record, time, priority) => {
      const seq = queue.nextSeq;
      const bytesBefore = flash.stats.bytesProgrammed;
      const segmentsBefore = queue.status().segmentsInUse;
      try {
        const r = append(record, time, priority);
        if (r.ok) this.attempt(r.seq, { boot, bytes: record, wrote: true, durable: true });
        return r;
      } catch (e) {
        // The append's buffer is the segment header (when it opened a segment) then the frame; only frame bytes burn.
        const header = queue.status().segmentsInUse > segmentsBefore ? SEGMENT_HEADER : 0;
        this.attempt(seq, { boot, bytes: record, wrote: flash.stats.bytesProgrammed - bytesBefore > header, durable: false });
        throw e;
      }
    };
  }

  private attempt(seq: number, a: Attempt): void {
    const before = this.attempts.get(seq) ?? [];
    const burned = before.find((b) => b.wrote);
    if (burned) this.violations.push(`seq ${seq} reused: boot ${burned.boot} wrote bytes of it (durable ${burned.durable}), boot ${a.boot} wrote it again`);
    before.push(a);
    this.attempts.set(seq, before);
  }

  /** The scanner gave feedback for `seq`: it must be the record this boot just made durable. */
  tell(seq: number): void {
    const a = this.attempts.get(seq)?.find((x) => x.durable && x.boot === this.bootNo);
    if (!a) this.violations.push(`feedback for seq ${seq} in boot ${this.bootNo} without a durable append`);
    else this.told.set(seq, a.bytes);
  }

  /** The attempt whose bytes `record` are, if any reached the flash. */
  writtenAs(seq: number, record: Uint8Array): Attempt | undefined {
    return this.attempts.get(seq)?.find((a) => a.wrote && sameBytes(a.bytes, record));
  }

  /** Seqs some boot burned (bytes reached the flash) without making them durable. */
  burned(): number[] {
    const out: number[] = [];
    for (const [seq, list] of this.attempts) if (list.some((a) => a.wrote && !a.durable)) out.push(seq);
    return out.sort((a, b) => a - b);
  }
}
