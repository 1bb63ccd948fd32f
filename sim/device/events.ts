// What a simulated scanner tells the console, scenarios and tests, as plain JSON-safe values.
import type { BeepPattern, LedColor } from '../../hal/feedback.js';
import type { ResetReason } from '../../firmware/app/config.js';
import type { TapEvent } from '../../firmware/app/scanner.js';
import type { RecoveryReport } from '../../firmware/queue/report.js';
import type { NetworkSetting, UplinkExchange } from '../network.js';
import type { DeathCause } from './boot.js';

/** A tap as people read it: what happened, what the inspector was shown, and the record it made. */
export interface TapSummary {
  kind: TapEvent['kind'];
  uid: string;
  headline: string;
  detail: string;
  led: LedColor;
  beep: BeepPattern;
  verdict?: string;
  reasons?: string[];
  /** Seq of the record the tap made (none for refusals and repeats). */
  seq?: number;
}

/** What boot recovery found, in short. */
export interface RecoverySummary {
  clean: boolean;
  /** Seq ranges lost (inclusive) and bytes set aside; a fault record names them. */
  lost: Array<[number, number]>;
  discardedBytes: number;
  unacked: number;
  ackedThrough: number;
  nextSeq: number;
  /** The two copies of the queue's ack state as found (a torn write leaves one corrupt) and the one used (-1: none). */
  state: { copies: [string, string]; used: number };
}

export type DeviceEvent =
  | { type: 'boot'; at: number; boot: number; reset: ResetReason; recovery: RecoverySummary }
  | { type: 'feedback'; at: number; led: LedColor; beep: BeepPattern; headline: string; detail: string }
  | { type: 'tap'; at: number; tap: TapSummary }
  /** `waiting`: unacked records in the queue as the request ended (before the worker acted on its answer). */
  | { type: 'uplink'; at: number; exchange: UplinkExchange; waiting: number }
  | { type: 'power'; at: number; state: 'off'; cause: DeathCause; message: string }
  | { type: 'network'; at: number; setting: NetworkSetting }
  /** `what`: a tag put on or lifted off the reader, or a fault armed or cleared. */
  | { type: 'world'; at: number; what: 'place' | 'remove' | 'fault'; message: string };

export function tapSummary(e: TapEvent): TapSummary {
  const s: TapSummary = { kind: e.kind, uid: e.uid, headline: e.shown.headline, detail: e.shown.detail, led: e.shown.led, beep: e.shown.beep.slice() };
  if (e.judgement) {
    s.verdict = e.judgement.verdict;
    s.reasons = e.judgement.reasons.slice();
  }
  if (e.seq !== undefined) s.seq = e.seq;
  return s;
}

export function recoverySummary(r: RecoveryReport): RecoverySummary {
  return {
    clean: r.clean,
    lost: r.lost.map((x) => [x[0], x[1]] as [number, number]),
    discardedBytes: r.discardedBytes,
    unacked: r.unacked,
    ackedThrough: r.ackedThrough,
    nextSeq: r.nextSeq,
    state: { copies: [r.state.copies[0], r.state.copies[1]], used: r.state.used },
  };
}
