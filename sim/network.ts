// The simulated network between a scanner and its ingest: an Uplink wrapper that applies the condition chosen by a
// test, a scenario or the web console, and tells listeners what each request met.
import type { Clock } from '../hal/clock.js';
import type { Uplink, UplinkRequest, UplinkResponse, UplinkResult } from '../hal/uplink.js';
import { errorOf, parseAck } from '../firmware/sync/protocol.js';
import { parseRecordsBody } from '../upstream/records-body.js';

/**
 * up: requests pass; down: no route (unreachable at once); slow: each request waits `latencyMs` first (a timeout
 * when that is longer than the request allows); http-500: the ingest answers 500; http-429: it answers 429 with
 * `Retry-After: retryAfterS`; reset-after-commit: the ingest gets and commits the request, the answer is lost
 * (connection reset); blackhole: nothing answers until the request times out.
 */
export type NetworkMode = 'up' | 'down' | 'slow' | 'http-500' | 'http-429' | 'reset-after-commit' | 'blackhole';
export const NETWORK_MODES: readonly NetworkMode[] = ['up', 'down', 'slow', 'http-500', 'http-429', 'reset-after-commit', 'blackhole'];

export interface NetworkSetting {
  mode: NetworkMode;
  /** slow: one-way delay before the request is delivered, ms. Default 4000. */
  latencyMs: number;
  /** http-429: the Retry-After value, seconds. Default 30. */
  retryAfterS: number;
}

/** One request as the network saw it. */
export interface UplinkExchange {
  /** Device wall time when the request ended, ms since the Unix epoch. */
  at: number;
  mode: NetworkMode;
  path: string;
  /** Records in the request body (0 when it carried none). */
  records: number;
  /** True when the ingest received (and so may have committed) the request. */
  delivered: boolean;
  /** HTTP status the device got, or the failure: unreachable, timeout, reset. */
  result: number | 'unreachable' | 'timeout' | 'reset';
  /** When the ingest answered 200 to POST /v1/records (also when that answer was then lost): its ack for this device. */
  ack?: { ackedThrough: number; accepted: number; duplicates: number; rejected: number };
  message: string;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

function errorResponse(status: number, code: string, message: string, headers: { [k: string]: string } = {}): UplinkResponse {
  const body = new TextEncoder().encode(JSON.stringify({ error: { code, message } }));
  return { status, headers: { ...JSON_HEADERS, ...headers }, body };
}

function responseText(res: UplinkResponse): string {
  const err = res.status === 200 ? undefined : errorOf(res.body);
  const ra = res.headers['retry-after'];
  return err ? `${err.code}: ${err.message}${ra ? `; Retry-After ${ra}` : ''}` : 'HTTP ' + res.status;
}

function recordCount(body: Uint8Array | undefined): number {
  if (!body) return 0;
  try {
    return parseRecordsBody(body, { maxRecords: Infinity, maxRecordBytes: Infinity }).length;
  } catch {
    return 0;
  }
}

/**
 * Guarantees: in mode `up` a request reaches `inner` unchanged and its result comes back unchanged; every other
 * mode decides as documented on {@link NetworkMode}; waits go through `clock` (virtual time in scenarios); a change
 * of mode applies to requests that start afterwards. Never rejects.
 */
export class NetworkConditions implements Uplink {
  private current: NetworkSetting = { mode: 'up', latencyMs: 4000, retryAfterS: 30 };
  private listeners: Array<(e: UplinkExchange) => void> = [];

  constructor(
    private readonly inner: Uplink,
    private readonly clock: Clock,
    /** Whose ack to report in {@link UplinkExchange.ack}. */
    private readonly deviceId: string,
  ) {}

  get setting(): NetworkSetting {
    return { ...this.current };
  }

  set(setting: Partial<NetworkSetting>): NetworkSetting {
    this.current = { ...this.current, ...setting };
    return this.setting;
  }

  /** Calls `listener` after every request; returns a function that removes it. */
  onExchange(listener: (e: UplinkExchange) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  async request(req: UplinkRequest): Promise<UplinkResult> {
    const s = this.current;
    let delivered = false;
    let r: UplinkResult;
    let answered: UplinkResult | undefined;
    switch (s.mode) {
      case 'down':
        r = { ok: false, reason: 'unreachable', message: 'network down (simulated): no route to the ingest' };
        break;
      case 'blackhole':
        await this.clock.sleep(req.timeoutMs);
        r = { ok: false, reason: 'timeout', message: `no answer within ${req.timeoutMs} ms (simulated black hole)` };
        break;
      case 'http-500':
        r = { ok: true, response: errorResponse(500, 'internal', 'simulated ingest outage') };
        break;
      case 'http-429':
        r = { ok: true, response: errorResponse(429, 'too-many-requests', 'simulated rate limit', { 'retry-after': String(s.retryAfterS) }) };
        break;
      case 'slow':
        if (s.latencyMs >= req.timeoutMs) {
          await this.clock.sleep(req.timeoutMs);
          r = { ok: false, reason: 'timeout', message: `no answer within ${req.timeoutMs} ms (simulated latency ${s.latencyMs} ms)` };
          break;
        }
        await this.clock.sleep(s.latencyMs);
        delivered = true;
        r = await this.inner.request(req);
        break;
      case 'reset-after-commit': {
        delivered = true;
        answered = await this.inner.request(req);
        r = answered.ok ? { ok: false, reason: 'reset', message: 'connection reset after the ingest answered (simulated); the answer was lost' } : answered;
        break;
      }
      default:
        delivered = true;
        r = await this.inner.request(req);
    }
    this.report(req, s.mode, delivered, r, answered ?? r);
    return r;
  }

  /** `answered` is what the ingest said, which differs from `r` when the answer was lost on the way. */
  private report(req: UplinkRequest, mode: NetworkMode, delivered: boolean, r: UplinkResult, answered: UplinkResult): void {
    if (!this.listeners.length) return;
    const e: UplinkExchange = {
      at: this.clock.wallTime(),
      mode,
      path: req.path,
      records: recordCount(req.body),
      delivered,
      result: r.ok ? r.response.status : r.reason,
      message: r.ok ? responseText(r.response) : r.message,
    };
    if (answered.ok && answered.response.status === 200) {
      const a = parseAck(answered.response.body, this.deviceId);
      if (a.ok && a.device) {
        e.ack = { ackedThrough: a.device.ackedThrough, accepted: a.device.accepted, duplicates: a.device.duplicates, rejected: a.device.rejected.length };
      }
    }
    for (const l of this.listeners.slice()) l(e);
  }
}
