// Turns what a simulated scanner does into transcript lines, and a result into text for people.
import type { SimDevice } from '../device.js';
import type { DeviceEvent } from '../device/events.js';
import type { UplinkExchange } from '../network.js';
import type { LineKind, ScenarioResult, TranscriptLine } from './types.js';

/** "0:12.345" or "1:02:03.456" for `ms` since the start. */
export function clockText(ms: number): string {
  const t = Math.max(0, Math.round(ms));
  const h = Math.floor(t / 3600000);
  const m = Math.floor((t % 3600000) / 60000);
  const s = ((t % 60000) / 1000).toFixed(3).padStart(6, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function beepText(beep: number[]): string {
  return beep.length ? ', beep ' + beep.filter((_, i) => i % 2 === 0).join('+') + ' ms' : '';
}

/** One request in words; `waiting` is the queue's unacked count, said when the records did not reach the ingest. */
export function exchangeText(x: UplinkExchange, waiting = x.records): string {
  const left = `${waiting} record${waiting === 1 ? '' : 's'} waiting`;
  if (x.result === 'unreachable') return `could not reach the ingest (${left}): ${x.message}`;
  if (!x.delivered) return `the ingest did not get the request (${left}): ${x.result}: ${x.message}`;
  const what = `sent ${x.records} record${x.records === 1 ? '' : 's'}`;
  const acked = x.ack ? `acked through ${x.ack.ackedThrough} (${x.ack.accepted} new, ${x.ack.duplicates} duplicate${x.ack.rejected ? `, ${x.ack.rejected} refused` : ''})` : '';
  if (x.result === 200) return `${what} → HTTP 200, ${acked}`;
  if (typeof x.result === 'number') return `${what} → HTTP ${x.result}, ${x.message}`;
  if (x.delivered && x.ack) return `${what} → ingest ${acked}, but ${x.message}`;
  return `${what} → ${x.result}: ${x.message}`;
}

/** The line for one device event, or undefined for events a transcript leaves out. */
export function eventLine(e: DeviceEvent): { kind: LineKind; text: string } | undefined {
  switch (e.type) {
    case 'boot': {
      const r = e.recovery;
      const lost = r.lost.length ? `lost seq ${r.lost.map((x) => (x[0] === x[1] ? `${x[0]}` : `${x[0]}-${x[1]}`)).join(', ')}, ` : '';
      const torn = r.state.copies.indexOf('corrupt');
      const state = torn >= 0 ? `state copy ${'AB'[torn]} torn, ${r.state.used >= 0 ? `copy ${'AB'[r.state.used]} used` : 'none usable'}` : '';
      const parts = [lost ? lost.slice(0, -2) : '', r.discardedBytes ? `${r.discardedBytes} bytes set aside` : '', state].filter((x) => x);
      const rec = r.clean ? 'recovery clean' : `recovery: ${parts.join(', ') || 'nothing lost'}`;
      return { kind: 'boot', text: `boot ${e.boot} (${e.reset}); ${rec}; ${r.unacked} unsynced, next seq ${r.nextSeq}` };
    }
    case 'feedback':
      return { kind: 'screen', text: `${e.headline}${e.detail ? ' · ' + e.detail : ''}  [LED ${e.led}${beepText(e.beep)}]` };
    case 'tap':
      if (e.tap.seq === undefined) return undefined;
      return { kind: 'record', text: `seq ${e.tap.seq}: ${e.tap.kind}${e.tap.verdict ? ' ' + e.tap.verdict : ''}${e.tap.reasons && e.tap.reasons.length ? ' (' + e.tap.reasons.join(', ') + ')' : ''}` };
    case 'uplink':
      return { kind: 'sync', text: exchangeText(e.exchange, e.waiting) };
    case 'power':
      return { kind: 'power', text: `OFF: ${e.message.split('\n')[0]}` };
    case 'network':
      return { kind: 'network', text: `network ${e.setting.mode}${e.setting.mode === 'slow' ? ` (${e.setting.latencyMs} ms)` : e.setting.mode === 'http-429' ? ` (Retry-After ${e.setting.retryAfterS} s)` : ''}` };
    case 'world':
      // Placing and lifting is what every tap does; the step that narrates the tap says it already.
      return e.what === 'fault' ? { kind: 'world', text: e.message } : undefined;
  }
}

/**
 * Collects lines with the queue depth and sync state, at the moment of each, of the device the line is about (the
 * lab's scanner for narration and checks; a followed device for its own events, which are labelled with it).
 */
export class Transcript {
  readonly lines: TranscriptLine[] = [];
  private storage = 'ok';

  constructor(
    private readonly device: SimDevice,
    private readonly start: number,
  ) {
    this.follow(device);
  }

  /** Adds `device`'s events to the transcript, each line starting with `[label]` when a label is given. */
  follow(device: SimDevice, label?: string): void {
    device.on((e) => {
      const l = eventLine(e);
      if (l) this.add(l.kind, label ? `[${label}] ${l.text}` : l.text, undefined, device);
    });
  }

  add(kind: LineKind, text: string, ok?: boolean, device: SimDevice = this.device): TranscriptLine {
    const b = device.boot;
    if (device === this.device) {
      const state = b ? b.queue.status().state : this.storage;
      if (state !== this.storage) {
        this.storage = state;
        this.add('storage', `storage ${state}${state === 'low' ? ': less than a quarter free' : state === 'full' ? ': scans will be refused' : ''}`);
      }
    }
    const line: TranscriptLine = {
      t: device.clock.wallTime() - this.start,
      kind,
      text,
      queue: b ? b.queue.status().unacked : null,
      sync: b ? b.sync.status().state : 'off',
    };
    if (ok !== undefined) line.ok = ok;
    this.lines.push(line);
    return line;
  }
}

/** The transcript as aligned text, then the checks and the outcome. */
export function formatResult(r: ScenarioResult): string {
  const out = [`${r.name}: ${r.title}`, ''];
  for (const l of r.lines) {
    const mark = l.kind === 'check' ? (l.ok ? '✓ ' : '✗ ') : '';
    const state = `q=${l.queue === null ? '-' : l.queue} ${l.sync}`;
    out.push(`${clockText(l.t).padStart(11)}  ${l.kind.padEnd(7)} ${(mark + l.text).padEnd(86)} ${state}`);
  }
  out.push('');
  if (r.error) out.push(`error: ${r.error}`);
  const failed = r.checks.filter((c) => !c.ok);
  out.push(`${r.ok ? 'PASS' : 'FAIL'}: ${r.checks.length - failed.length} of ${r.checks.length} expectations held` + (failed.length ? `; failed: ${failed.map((c) => c.text + (c.detail ? ` (${c.detail})` : '')).join('; ')}` : ''));
  return out.join('\n');
}
