import * as http from 'node:http';
import * as https from 'node:https';
import type { Uplink, UplinkRequest, UplinkResult, UplinkFailure } from '../uplink.js';

/**
 * The uplink over HTTP(S) on Node (Pi and simulator). One request at a time per call; connections are not kept
 * alive, so a server that dropped a connection never poisons the next request.
 */
export class HttpUplink implements Uplink {
  private readonly base: URL;

  constructor(baseUrl: string, private readonly defaultHeaders: { [name: string]: string } = {}) {
    this.base = new URL(baseUrl);
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') {
      throw new Error(`uplink base URL must be http: or https:, got ${this.base.protocol}`);
    }
  }

  request(req: UplinkRequest): Promise<UplinkResult> {
    const url = new URL(this.base.pathname.replace(/\/$/, '') + req.path, this.base);
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise<UplinkResult>((resolve) => {
      let settled = false;
      const done = (r: UplinkResult) => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          resolve(r);
        }
      };
      let bodySent = false;
      const failed = (reason: UplinkFailure, message: string) => done(bodySent ? { ok: false, reason, message } : { ok: false, reason, message, bodyUnsent: true });
      const headers: { [name: string]: string } = { ...this.defaultHeaders, ...(req.headers ?? {}) };
      if (req.body) headers['content-length'] = String(req.body.length);
      const r = lib.request(url, { method: req.method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const h: { [name: string]: string } = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
          const body = Buffer.concat(chunks);
          done({ ok: true, response: { status: res.statusCode ?? 0, headers: h, body: new Uint8Array(body.buffer, body.byteOffset, body.length) } });
        });
        res.on('error', (e) => failed('reset', `response from ${url.host} broke off: ${e.message}`));
        res.on('aborted', () => failed('reset', `response from ${url.host} was aborted`));
      });
      const timer = setTimeout(() => {
        failed('timeout', `no complete response from ${url.host} within ${req.timeoutMs} ms`);
        r.destroy();
      }, req.timeoutMs);
      r.on('error', (e: NodeJS.ErrnoException) => {
        const code = e.code ?? '';
        // Node's "socket hang up" carries ECONNRESET too (connResetException).
        if (code === 'ECONNRESET' || code === 'EPIPE') failed('reset', `connection to ${url.host} was reset: ${e.message}`);
        else failed('unreachable', `cannot reach ${url.host}: ${code || e.message}`);
      });
      r.on('finish', () => (bodySent = true));
      if (req.body) r.end(Buffer.from(req.body.buffer, req.body.byteOffset, req.body.length));
      else r.end();
    });
  }
}
