// An Uplink straight into an in-process Ingest, without sockets: scenarios and tests on virtual time use it, since
// real socket I/O would let virtual time leap past every request timeout while the bytes are in flight.
import type { Uplink, UplinkRequest, UplinkResponse, UplinkResult } from '../hal/uplink.js';
import type { Ingest } from '../upstream/ingest.js';
import { ApiError } from '../upstream/http-util.js';
import { uploadRecords } from '../upstream/routes.js';
import { DEFAULT_LIMITS, type ServerLimits } from '../upstream/server.js';

function json(status: number, value: unknown, headers: { [k: string]: string } = {}): UplinkResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: new TextEncoder().encode(JSON.stringify(value)) };
}

/**
 * Serves POST /v1/records the way upstream/server.ts does (the same upload function, limits, error shape and
 * Ingest), and answers 404 for anything else. Guarantees: an answer of 200 is sent only after the Ingest committed;
 * a hostile body gets the same 4xx as over HTTP; never rejects (an unexpected error is a 500, as the server would
 * send).
 */
export class IngestUplink implements Uplink {
  private readonly limits: ServerLimits;

  constructor(
    private readonly ingest: Ingest,
    limits: Partial<ServerLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  async request(req: UplinkRequest): Promise<UplinkResult> {
    try {
      if (req.path !== '/v1/records') throw new ApiError(404, 'not-found', `no route ${req.path} (in-process ingest serves POST /v1/records)`);
      if (req.method !== 'POST') throw new ApiError(405, 'method-not-allowed', `${req.method} is not allowed on ${req.path}`, { allow: 'POST' });
      const body = req.body ?? new Uint8Array(0);
      if (body.length > this.limits.maxBodyBytes) throw new ApiError(413, 'body-too-large', `body of ${body.length} bytes is over the limit of ${this.limits.maxBodyBytes} bytes`);
      return { ok: true, response: json(200, await uploadRecords(this.ingest, this.limits, req.headers?.['content-type'], body)) };
    } catch (e) {
      if (e instanceof ApiError) return { ok: true, response: json(e.status, { error: { code: e.code, message: e.message } }, e.headers) };
      return { ok: true, response: json(500, { error: { code: 'internal', message: 'internal error: ' + (e instanceof Error ? e.message : String(e)) } }) };
    }
  }
}
