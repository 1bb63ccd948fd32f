/**
 * Fault injection for the simulated RF field and tags, Zephyr style: a hook wraps the normal model and falls through
 * to it (`next()`) unless it decides otherwise. Hooks are per instance (one tag, one field); every installer returns
 * a disposer that removes exactly what it installed. Nothing here is armed by default.
 */
import type { AirContext, AirExchange, AirFrame, Picc, PiccAnswer } from './rf/air.js';
import { setBit, getBit, truncateFrame } from './tags/frames.js';
import { copyBytes } from '../hal/bytes.js';

/** Removes what an installer installed. Calling it twice is harmless. */
export type Disposer = () => void;

/**
 * A fault hook: sees the PCD's frame and its context, may call `next()` (the normal model, including hooks added
 * before this one) any number of times, and returns what the PCD gets instead.
 */
export type FaultHook<T> = (frame: AirFrame, context: AirContext, next: () => T) => T;
/** Hook on one tag: its answer to one frame (`null` = silent). */
export type PiccFaultHook = FaultHook<PiccAnswer | null>;
/** Hook on the field: the superposed result of one exchange. */
export type FieldFaultHook = FaultHook<AirExchange>;

/** Something that accepts tag-level fault hooks (every virtual tag in sim/tags). */
export interface PiccFaultTarget {
  addFault(hook: PiccFaultHook): Disposer;
}

/** Something that accepts field-level hooks and can take a tag out of range (the {@link RfField}). */
export interface FieldFaultTarget {
  addFault(hook: FieldFaultHook): Disposer;
  remove(tag: Picc): void;
  setWeak(maxCleanBytes: number | false): void;
  readonly weakLimit: number | false;
}

/** An ordered list of hooks; the most recently added one runs outermost. */
export class FaultChain<T> {
  private hooks: FaultHook<T>[] = [];

  add(hook: FaultHook<T>): Disposer {
    this.hooks.push(hook);
    return () => {
      const i = this.hooks.indexOf(hook);
      if (i >= 0) this.hooks.splice(i, 1);
    };
  }

  get size(): number {
    return this.hooks.length;
  }

  /** Runs `base` wrapped by every hook. */
  run(frame: AirFrame, context: AirContext, base: () => T): T {
    const hooks = this.hooks.slice();
    const call = (i: number): T => (i < 0 ? base() : hooks[i](frame, context, () => call(i - 1)));
    return call(hooks.length - 1);
  }
}

function isField(t: PiccFaultTarget | FieldFaultTarget): t is FieldFaultTarget {
  return typeof (t as FieldFaultTarget).setWeak === 'function';
}

/** Applies `edit` to whatever answer a tag or the field produced; `edit` returns null to drop it. */
function onAnswers(
  target: PiccFaultTarget | FieldFaultTarget,
  edit: (frame: AirFrame) => AirFrame | null | undefined,
): Disposer {
  if (isField(target)) {
    return target.addFault((_f, _c, next) => {
      const ex = next();
      if (!ex.answer) return ex;
      const out = edit(ex.answer);
      if (out === undefined) return ex;
      return out === null ? { answer: null, collisionBit: -1, delayUs: 0 } : { ...ex, answer: out };
    });
  }
  return target.addFault((_f, _c, next) => {
    const a = next();
    if (!a) return a;
    const out = edit(a.frame);
    if (out === undefined) return a;
    return out === null ? null : { ...a, frame: out };
  });
}

/**
 * Drops the next `count` answers (of this tag, or of the whole field): the tag still acts on the frame — its state
 * moves on — but the PCD hears nothing (timeout). Afterwards the hook falls through.
 */
export function dropAnswers(target: PiccFaultTarget | FieldFaultTarget, count = 1): Disposer {
  let left = count;
  return onAnswers(target, () => {
    if (left <= 0) return undefined;
    left--;
    return null;
  });
}

/** How {@link corruptAnswers} damages an answer. */
export interface CorruptOptions {
  /** How many answers to damage, default 1. */
  count?: number;
  /**
   * 'flip' (default): invert one data bit, so the reader's CRC_A check fails (a 4-bit ACK Ah turns into a value
   * that is not an ACK); 'parity': keep the bits but mark a parity error (MFRC522 ErrorReg.ParityErr).
   */
  kind?: 'flip' | 'parity';
  /** The bit to flip, default 0 (clamped to the answer's length). */
  bit?: number;
}

/** Damages the next answers of a tag or of the field. */
export function corruptAnswers(target: PiccFaultTarget | FieldFaultTarget, options: CorruptOptions = {}): Disposer {
  let left = options.count ?? 1;
  const kind = options.kind ?? 'flip';
  return onAnswers(target, (frame) => {
    if (left <= 0) return undefined;
    left--;
    if (kind === 'parity') return { ...frame, bytes: copyBytes(frame.bytes), parityError: true };
    const bytes = copyBytes(frame.bytes);
    const bit = Math.min(Math.max(options.bit ?? 0, 0), frame.bits - 1);
    setBit(bytes, bit, getBit(bytes, bit) ^ 1);
    return { ...frame, bytes: bytes };
  });
}

/**
 * A tag pulled out of the field mid-read: bytes of the tag's answers are counted from now on; the answer during
 * which the count reaches `bytes` is cut after that byte (no CRC reaches the reader) and the tag is removed from
 * the field right after it (powered off, volatile state lost). With `bytes` = 0 the next answer is lost entirely.
 * A partial byte (4-bit ACK) counts as one byte.
 */
export function pullAwayAfterBytes(field: FieldFaultTarget, tag: Picc & PiccFaultTarget, bytes: number): Disposer {
  let left = bytes;
  let done = false;
  const dispose = tag.addFault((_f, _c, next) => {
    const a = next();
    if (done || !a) return a;
    const len = Math.ceil(a.frame.bits / 8);
    if (len < left) {
      left -= len;
      return a;
    }
    done = true;
    const cut = left;
    // Remove after this exchange's answer is formed: the field tolerates removal while it iterates.
    field.remove(tag);
    dispose();
    return cut === 0 ? null : { ...a, frame: truncateFrame(a.frame, cut * 8) };
  });
  return dispose;
}

/**
 * A weak field (tag at the edge of the antenna's range): answers longer than `maxCleanBytes` bytes (default 2) arrive
 * with parity errors; shorter ones — ATQA (2 bytes), 4-bit ACK/NAK — get through. So a tag is detected but cannot be
 * selected or read. The disposer restores the previous setting.
 */
export function weakField(field: FieldFaultTarget, maxCleanBytes = 2): Disposer {
  const before = field.weakLimit;
  field.setWeak(maxCleanBytes);
  return () => field.setWeak(before);
}
