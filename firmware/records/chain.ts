// The device side of the chain: seq, prev hash and boot count, turned into the next signed record. The state is
// derivable from the last intact record, so after a power cut the queue hands that record to `resume` and the chain
// continues exactly where the durable log ends.
import type { Sha256 } from '../../hal/crypto.js';
import { isDeviceId, type RecordSigner } from '../../hal/keys.js';
import { buildCose, parseCose } from './cose.js';
import { RecordError } from './errors.js';
import { decodePayload, encodePayload } from './record.js';
import type { DiscardedSpan, RecordBody, RecordPayload } from './kinds.js';
import { bytesEqual } from './bytes.js';
import { zeroHash } from './links.js';
import type { SeqPair } from './seq-ranges.js';
import { copyBytes } from '../../hal/bytes.js';

/** Where a device's chain stands: the next record gets `nextSeq` and `prev`. */
export interface ChainState {
  device: string;
  nextSeq: number;
  /** SHA-256 of the last record's COSE bytes (32 zero bytes before the first record). */
  prev: Uint8Array;
  boot: number;
}

/** A signed record ready to store, with what the chain needs to know about it. */
export interface ChainRecord {
  /** The complete COSE_Sign1 / COSE_Mac0 bytes. */
  bytes: Uint8Array;
  seq: number;
  /** SHA-256 of `bytes`: the next record's prev. */
  hash: Uint8Array;
  payload: RecordPayload;
}

/** What boot recovery lost, for {@link RecordChain.fault}. */
export interface FaultReport {
  reason: string;
  lost: SeqPair[];
  discardedBytes: number;
  where: DiscardedSpan[];
}

/**
 * Produces a device's records in chain order. `prepare` is pure; `commit` advances the chain once the record is
 * durable, so a record that never reached storage does not leave a gap. `append` does both for callers without a
 * durability step.
 */
export class RecordChain {
  private st: ChainState;

  constructor(
    private readonly signer: RecordSigner,
    private readonly hash: Sha256,
    state: ChainState,
  ) {
    if (!isDeviceId(state.device)) throw new RecordError('BAD_INPUT', 'invalid device id ' + JSON.stringify(state.device));
    if (state.prev.length !== 32) throw new RecordError('BAD_INPUT', 'prev must be 32 bytes');
    this.st = { device: state.device, nextSeq: state.nextSeq, prev: copyBytes(state.prev), boot: state.boot };
  }

  /** A new device's chain: seq 0, zero prev. */
  static start(signer: RecordSigner, hash: Sha256, device: string, boot: number): RecordChain {
    return new RecordChain(signer, hash, { device: device, nextSeq: 0, prev: zeroHash(), boot: boot });
  }

  /**
   * The chain continuing after `lastIntact` (the COSE bytes of the newest record that survived), in boot `boot`.
   * Checks the record's structure and payload, not its signature: it comes from the device's own storage.
   */
  static resume(signer: RecordSigner, hash: Sha256, lastIntact: Uint8Array, boot: number): RecordChain {
    const msg = parseCose(lastIntact);
    const p = decodePayload(msg.payload);
    return new RecordChain(signer, hash, { device: p.device, nextSeq: p.seq + 1, prev: hash.sha256(lastIntact), boot: boot });
  }

  /** A copy of the current state. */
  get state(): ChainState {
    return { device: this.st.device, nextSeq: this.st.nextSeq, prev: copyBytes(this.st.prev), boot: this.st.boot };
  }

  /** The next record for `body` at device time `time` (ms since epoch), without advancing the chain. */
  prepare(body: RecordBody, time: number): ChainRecord {
    return this.build(this.st.nextSeq, body, time);
  }

  /** Advances the chain past `record`, which must be the one `prepare` made for the current state. */
  commit(record: ChainRecord): void {
    if (record.seq < this.st.nextSeq || !bytesEqual(record.payload.prev, this.st.prev)) {
      throw new RecordError('BAD_INPUT', 'record seq ' + record.seq + ' does not continue the chain at seq ' + this.st.nextSeq);
    }
    this.st.nextSeq = record.seq + 1;
    this.st.prev = record.hash;
  }

  /** prepare + commit. */
  append(body: RecordBody, time: number): ChainRecord {
    const r = this.prepare(body, time);
    this.commit(r);
    return r;
  }

  /** A checkpoint attesting the records so far: count = its seq, head = its prev. Not committed. */
  checkpoint(time: number): ChainRecord {
    return this.prepare({ kind: 'checkpoint', count: this.st.nextSeq, head: copyBytes(this.st.prev) }, time);
  }

  /**
   * The fault record after recovery, not committed. Its prev is the last intact record (the chain's state); seqs
   * declared lost at or above the next seq must run contiguously from it, and the fault takes the seq after them.
   */
  fault(report: FaultReport, time: number): ChainRecord {
    let seq = this.st.nextSeq;
    for (let i = 0; i < report.lost.length; i++) {
      const r = report.lost[i];
      if (r[1] < seq) continue;
      if (r[0] > seq) throw new RecordError('BAD_INPUT', 'lost range starts at seq ' + r[0] + ' but the chain is at ' + seq + ': seqs in between would be neither kept nor declared');
      seq = r[1] + 1;
    }
    return this.build(seq, { kind: 'fault', reason: report.reason, lost: report.lost, discardedBytes: report.discardedBytes, where: report.where }, time);
  }

  private build(seq: number, body: RecordBody, time: number): ChainRecord {
    const header = { device: this.st.device, seq: seq, prev: this.st.prev, time: time, boot: this.st.boot };
    const payload = Object.assign(Object.assign({}, body), header) as RecordPayload;
    const bytes = buildCose(this.signer, this.st.device, encodePayload(payload));
    return { bytes: bytes, seq: seq, hash: this.hash.sha256(bytes), payload: payload };
  }
}
