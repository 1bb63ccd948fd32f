// The ack point kept in the storage's two state copies (A/B). Each write goes to the copy that does not hold the
// current state, with a write number one higher, so a write torn by power loss leaves the previous state readable.
import type { SegmentStorage, StateCopy } from '../../hal/storage.js';
import { decodeState, encodeState, type QueueState } from './format.js';

/** What each state copy held at open. */
export type StateCopyStatus = 'ok' | 'empty' | 'corrupt';

export interface LoadedState {
  /** The current state, or undefined when neither copy is intact (then nothing counts as acked). */
  state: QueueState | undefined;
  /** The copy the state came from, or -1. */
  copy: number;
  copies: [StateCopyStatus, StateCopyStatus];
}

export function loadState(storage: SegmentStorage): LoadedState {
  const raw = [storage.readState(0), storage.readState(1)];
  const parsed = [decodeState(raw[0]), decodeState(raw[1])];
  const status = (i: number): StateCopyStatus => (parsed[i] ? 'ok' : raw[i] ? 'corrupt' : 'empty');
  const a = parsed[0];
  const b = parsed[1];
  // Write numbers only grow; a copy with a higher number was written later.
  const copy = a && (!b || a.writeSeq >= b.writeSeq) ? 0 : b ? 1 : -1;
  return { state: copy === 0 ? a : copy === 1 ? b : undefined, copy, copies: [status(0), status(1)] };
}

/** Writes states alternately to the two copies, never over the current one. */
export class StateWriter {
  private current: number;
  private writeSeq: number;

  constructor(
    private readonly storage: SegmentStorage,
    loaded: LoadedState,
  ) {
    this.current = loaded.copy;
    this.writeSeq = loaded.state ? loaded.state.writeSeq : 0;
  }

  /** Durably replaces the state (the write number is assigned here). */
  write(state: QueueState): void {
    const target: StateCopy = this.current === 0 ? 1 : 0;
    this.writeSeq = (this.writeSeq + 1) >>> 0;
    state.writeSeq = this.writeSeq;
    this.storage.writeState(target, encodeState(state));
    this.current = target;
  }
}
