import type { Judgement } from '../seals/verdict.js';
import { bytesEqual } from '../records/bytes.js';

interface Recorded {
  digest: Uint8Array;
  verdict: string;
  reasons: string[];
  inspector: string;
  /** Monotonic time of the record (Clock.now), ms. */
  at: number;
}

function sameList(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The repeat window (config `dedupeWindowMs`): an inspector often taps a package twice in a row, and the second tap
 * needs no second record. Every tap is still read and judged first: a tap is a repeat only when it read exactly the
 * bytes the last recorded scan read (same digest: readingDigest in firmware/scan/read-tag.ts), was judged the same (verdict and reasons, which
 * also catch what time alone changes, such as an expiry date passing), for the same inspector. Anything else is a new
 * scan with its own record, however soon it follows: a magic clone with the original's UID, a tag written to in
 * between, a loop cut between two taps. An unreadable tap is never a repeat and never repeated: what it did not read
 * cannot be shown to be the same.
 *
 * The window runs from the last record, not from the last tap, and repeats do not extend it: a tag resting at the
 * edge of the field and tapping on and on is still recorded once per window, and a repeat's feedback always stands
 * for a record at most `windowMs` old. It is measured on the monotonic clock, so setting the wall time does not
 * stretch it.
 */
export class RepeatWindow {
  private last: Recorded | null = null;

  constructor(private readonly windowMs: number) {}

  /** True when a tap at `now` (Clock.now) repeats the last recorded scan, inside its window. */
  repeats(digest: Uint8Array, j: Judgement, inspector: string, now: number): boolean {
    const l = this.last;
    if (!l || this.windowMs <= 0 || j.verdict === 'unreadable') return false;
    if (now - l.at >= this.windowMs) return false;
    return l.verdict === j.verdict && l.inspector === inspector && sameList(l.reasons, j.reasons) && bytesEqual(l.digest, digest);
  }

  /** Closes the window: the next tap is recorded whatever it repeats (the step changed, so it is a new event). */
  forget(): void {
    this.last = null;
  }

  /** A scan was recorded at `at` (Clock.now): the window starts again from it. */
  recorded(digest: Uint8Array, j: Judgement, inspector: string, at: number): void {
    this.last = j.verdict === 'unreadable' ? null : { digest: digest, verdict: j.verdict, reasons: j.reasons.slice(), inspector: inspector, at: at };
  }
}
